#!/usr/bin/env node
// Friends, direct messages and a raid in headless Chromium, three people in one browser (a
// context each): user A and user B (signed in with the tokens given; each owns the channel of
// their name, both live from ffmpeg started by the caller) and an anonymous viewer.
// - Messages: A opens B's channel page and follows "Message" to /messages/B, and writes. B, on
//   the home page, sees the top bar's unread count become 1, opens the thread from /messages
//   (count gone), then receives A's next message live in the open conversation (the count
//   stays hidden) and answers; A sees the answer live. Screenshot: conversation.png (B's).
// - Friends: B keeps /friends open; A clicks "Add friend" on B's channel page; the request shows
//   up on B's page live, B accepts, A's channel page turns to "Friends" live, and each one's
//   /friends lists the other.
// - Raid: the viewer watches A's channel (until the node counts it), B watches his own. A
//   starts a raid on B from the dashboard's raid panel; the viewer sees the countdown banner,
//   then A clicks "Raid now" and the viewer's page moves (without a reload) to /c/B?raid=A with
//   the arrival note, while B's chat shows the "raiding" line and counts the viewer in his room.
//   Screenshots: raid_banner.png, raid_arrival.png.
// Waits are on the pages' own state (selectors, URLs), never on fixed sleeps.
// Usage: node tests/e2e/browser/social.mjs --url http://127.0.0.1:PORT --user-a NAME --token-a T
//          --user-b NAME --token-b T --out DIR [--timeout 30]
import path from 'node:path';
import { fail, launchOrExit, markDocument, newPersonPage, sameDocument, scriptArgs } from './lib.mjs';

const USAGE =
  'usage: social.mjs --url BASE --user-a NAME --token-a TOKEN --user-b NAME --token-b TOKEN --out DIR [--timeout SECONDS]';
const args = scriptArgs(USAGE, {
  options: ['url', 'user-a', 'token-a', 'user-b', 'token-b'],
  required: ['url', 'user-a', 'token-a', 'user-b', 'token-b'],
});
const { timeoutMs } = args;
const base = args.url.replace(/\/$/, '');
const A = args['user-a'];
const B = args['user-b'];
// Going live takes ffmpeg's start plus the node's first segment: more than a click's wait.
const liveTimeoutMs = Math.max(timeoutMs, 45_000);
const shots = {
  conversation: path.join(args.out, 'conversation.png'),
  raidBanner: path.join(args.out, 'raid_banner.png'),
  raidArrival: path.join(args.out, 'raid_arrival.png'),
  failure: path.join(args.out, 'social_failure.png'),
};
const texts = [`hi ${B}, ${A} here`, `are you live later?`, `yes, raid me!`];

const browser = await launchOrExit();
const errors = [];
// The players may log a 404 while a stream starts.
const ignore = /404|hls|m3u8|media/i;
const person = (name, session) => newPersonPage(browser, { name, timeoutMs, errors, origin: base, session, ignore });

const sel = {
  unread: '[data-testid="dm-unread"]',
  message: (from, text) => `[data-testid="dm-message"][data-from="${from}"]:has-text(${JSON.stringify(text)})`,
  relation: (r) => `#owner-actions[data-relation="${r}"]`,
  friendRow: (user) => `[data-testid="friend-row"][data-user="${user}"]`,
  chatJoined: () => /\d/.test(document.querySelector('#chat-viewers')?.textContent ?? ''),
};
const attrOf = (page, selector, name) => page.locator(selector).getAttribute(name);
const textOf = async (page, selector) => ((await page.locator(selector).innerText()) ?? '').replace(/\s+/g, ' ').trim();
const friendRows = (page) =>
  page.$$eval('#friend-list [data-testid="friend-row"]', (rows) => rows.map((r) => r.getAttribute('data-user')));
// Client-side navigation through the account menu (keeps the page's connection).
async function menu(page, id, pathname) {
  await page.click('#nav-user');
  await page.click(`#nav-menu-${id}`);
  await page.waitForURL(`${base}${pathname}`);
}

let step = 'opening pages';
let current = null;
const out = {};
try {
  const a = await person('a', { token: args['token-a'], username: A });
  const b = await person('b', { token: args['token-b'], username: B });
  const viewer = await person('viewer');

  step = 'B waits on the home page';
  current = b;
  await b.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  await b.locator('#nav-messages[data-live="subscribed"]').waitFor({ state: 'attached' });
  if (await b.locator(sel.unread).isVisible()) throw new Error('B has unread messages before any was sent');
  await markDocument(b);

  step = "A opens a conversation from B's channel page";
  current = a;
  await a.goto(`${base}/c/${B}`, { waitUntil: 'domcontentloaded' });
  await a.locator(sel.relation('none')).waitFor({ state: 'attached' });
  await a.click('[data-testid="message-button"]');
  await a.waitForURL(`${base}/messages/${B}`);
  await a.locator(`#dm-conversation[data-with="${B}"][data-state="ready"]`).waitFor({ state: 'attached' });
  // Subscribed before sending: B's answer must reach this page live.
  await a.locator('#nav-messages[data-live="subscribed"]').waitFor({ state: 'attached' });

  step = 'A writes';
  await a.fill('[data-testid="dm-input"]', texts[0]);
  const t0 = Date.now();
  await a.click('[data-testid="dm-send"]');
  await a.locator(`${sel.message(A, texts[0])}.mine`).waitFor();
  // The line can show (its live echo) before the send's answer clears the input: await that.
  const cleared = await a
    .waitForFunction(() => document.querySelector('[data-testid="dm-input"]')?.value === '', null, { timeout: 5000 })
    .then(() => true, () => false);
  if (!cleared) throw new Error("A's input kept the sent text");

  step = "B's top bar counts the message";
  current = b;
  await b.waitForFunction(
    (s) => {
      const el = document.querySelector(s);
      return !!el && !el.hidden && el.textContent?.trim() === '1';
    },
    sel.unread,
  );
  out.dm_delivered_ms = Date.now() - t0;
  out.dm_unread_before_open = (await b.locator(sel.unread).textContent())?.trim();
  out.dm_unread_label = await attrOf(b, '#nav-messages', 'aria-label');

  step = 'B opens the thread from /messages';
  await b.click('#nav-messages');
  await b.waitForURL(`${base}/messages`);
  const thread = b.locator(`[data-testid="dm-thread"][data-with="${A}"]`);
  await thread.waitFor();
  out.dm_thread_unread = await thread.getAttribute('data-unread');
  await thread.click();
  await b.waitForURL(`${base}/messages/${A}`);
  await b.locator(sel.message(A, texts[0])).waitFor();
  await b.locator(sel.unread).waitFor({ state: 'hidden' });
  out.dm_unread_after_open_hidden = true;

  step = "A's next message appears live in B's open conversation";
  current = a;
  await a.fill('[data-testid="dm-input"]', texts[1]);
  await a.click('[data-testid="dm-send"]');
  current = b;
  await b.locator(sel.message(A, texts[1])).waitFor();
  out.dm_live_in_conversation = await sameDocument(b);
  out.dm_badge_while_open_hidden = await b.locator(sel.unread).isHidden();

  step = 'B answers and A sees it live';
  await b.fill('[data-testid="dm-input"]', texts[2]);
  await b.click('[data-testid="dm-send"]');
  await b.locator(`${sel.message(B, texts[2])}.mine`).waitFor();
  current = a;
  await a.locator(sel.message(B, texts[2])).waitFor();
  current = b;
  out.dm_shown_to_b = await b.$$eval('#dm-log [data-testid="dm-message"]', (ms) =>
    ms.map((m) => ({ id: Number(m.getAttribute('data-id')), from: m.getAttribute('data-from'), text: m.firstChild?.textContent ?? '' })),
  );
  out.dm_texts = texts;
  await b.screenshot({ path: shots.conversation });

  step = 'B opens /friends';
  await menu(b, 'friends', '/friends');
  await b.locator('#friends-page[data-state="ready"]').waitFor({ state: 'attached' });
  if (await b.locator('[data-testid="friend-request"]').count()) throw new Error('B has a friend request before any was sent');

  step = "A asks from B's channel page";
  current = a;
  await a.goto(`${base}/c/${B}`, { waitUntil: 'domcontentloaded' });
  await a.locator(sel.relation('none')).waitFor({ state: 'attached' });
  await a.locator('#nav-messages[data-live="subscribed"]').waitFor({ state: 'attached' });
  out.friend_button_before = await textOf(a, '[data-testid="friend-button"]');
  await a.click('[data-testid="friend-button"]');
  await a.locator(sel.relation('outgoing')).waitFor({ state: 'attached' });
  out.friend_button_sent = await textOf(a, '[data-testid="friend-button"][data-state="outgoing"]');

  step = 'B sees the request live and accepts';
  current = b;
  const request = b.locator(`[data-testid="friend-request"][data-user="${A}"]`);
  await request.waitFor();
  out.friend_request_live = await sameDocument(b);
  await request.locator('[data-testid="friend-accept"]').click();
  await b.locator(sel.friendRow(A)).waitFor();
  await request.waitFor({ state: 'detached' });
  out.friends_of_b = await friendRows(b);

  step = "A's channel page turns to friends";
  current = a;
  await a.locator(sel.relation('friends')).waitFor({ state: 'attached' });
  out.friend_button_after = await textOf(a, '[data-testid="friend-button"][data-state="friends"]');
  await menu(a, 'friends', '/friends');
  await a.locator(sel.friendRow(B)).waitFor();
  out.friends_of_a = await friendRows(a);

  step = `the viewer watches ${A}`;
  current = viewer;
  await viewer.goto(`${base}/c/${A}`, { waitUntil: 'domcontentloaded' });
  await viewer.locator('#live-badge').waitFor({ timeout: liveTimeoutMs });
  await viewer.waitForFunction(sel.chatJoined);
  // The raid takes the channel's audience along: wait until the node counts this player.
  await viewer.waitForFunction(() => /^[1-9]\d* viewers?$/.test(document.querySelector('#viewers')?.textContent?.trim() ?? ''), null, {
    timeout: liveTimeoutMs,
  });
  await markDocument(viewer);

  step = `B watches his own channel`;
  current = b;
  await b.goto(`${base}/c/${B}`, { waitUntil: 'domcontentloaded' });
  await b.locator('#live-badge').waitFor({ timeout: liveTimeoutMs });
  await b.waitForFunction(sel.chatJoined);

  step = 'A starts a raid from the dashboard';
  current = a;
  await a.click('#nav-dashboard');
  await a.waitForURL(`${base}/dashboard`);
  const panel = `#raid-panel[data-channel="${A}"]`;
  await a.locator(`${panel}[data-state="idle"]`).waitFor();
  await a.fill('[data-testid="raid-target"]', B);
  await a.click('[data-testid="raid-start"]');
  await a.locator(`${panel}[data-state="countdown"] [data-testid="raid-countdown"][data-target="${B}"]`).waitFor();
  out.raid_countdown_text = await textOf(a, '[data-testid="raid-countdown"]');
  out.raid_viewers = Number(/with (\d+) viewers?/.exec(out.raid_countdown_text)?.[1] ?? -1);

  step = 'the viewer sees the countdown';
  current = viewer;
  const banner = viewer.locator(`[data-testid="raid-banner"][data-target="${B}"]`);
  await banner.waitFor();
  out.raid_banner_target = await banner.getAttribute('data-target');
  out.raid_banner_seconds = Number(await banner.getAttribute('data-seconds'));
  out.raid_banner_text = (await banner.innerText()).replace(/\s+/g, ' ').trim();
  await viewer.screenshot({ path: shots.raidBanner });

  step = 'A raids now';
  current = a;
  await a.click('[data-testid="raid-now"]');
  await a.locator(`${panel}[data-state="done"] [data-testid="raid-done"]`).waitFor();
  out.raid_panel_state = await attrOf(a, panel, 'data-state');

  step = `the viewer moves to ${B}`;
  current = viewer;
  await viewer.waitForURL(`${base}/c/${B}?raid=${A}`);
  const landed = new URL(viewer.url());
  out.raid_landed = landed.pathname + landed.search;
  const arrival = viewer.locator(`[data-testid="raid-arrival"][data-from="${A}"]`);
  await arrival.waitFor();
  out.raid_arrival_from = await arrival.getAttribute('data-from');
  out.raid_arrival_text = (await arrival.innerText()).replace(/\s+/g, ' ').trim();
  await viewer.waitForFunction((name) => document.querySelector('#channel-name')?.textContent?.trim() === name, B);
  out.raid_same_document = await sameDocument(viewer);
  out.raid_banner_after = await viewer.locator('[data-testid="raid-banner"]').count();
  await viewer.locator('#live-badge').waitFor({ timeout: liveTimeoutMs });
  await viewer.screenshot({ path: shots.raidArrival });

  step = `${B}'s chat shows the raid`;
  current = b;
  const raided = b.locator('[data-testid="raided-line"]', { hasText: A });
  await raided.waitFor();
  out.raided_line = (await raided.innerText()).replace(/\s+/g, ' ').trim();
  out.raided_viewers = Number(/with (\d+) viewers?/.exec(out.raided_line)?.[1] ?? -1);
  // The moved viewer joined B's room: B's page and the viewer's are in it.
  await b.waitForFunction(() => /\b2$/.test(document.querySelector('#chat-viewers')?.textContent?.trim() ?? ''));
  out.target_room_viewers = Number(/\d+/.exec(await textOf(b, '#chat-viewers'))?.[0] ?? -1);

  const summary = {
    ok: errors.length === 0,
    user_a: A,
    user_b: B,
    ...out,
    screenshots: [shots.conversation, shots.raidBanner, shots.raidArrival],
    console_errors: errors,
  };
  if (!summary.ok) fail('pages reported errors', summary);
  else console.log(JSON.stringify(summary));
} catch (e) {
  await current?.screenshot({ path: shots.failure }).catch(() => {});
  fail(`${step}: ${e.message.split('\n')[0]}`, { url: current?.url(), screenshot: shots.failure, ...out, errors });
} finally {
  await browser.close().catch(() => {});
}
