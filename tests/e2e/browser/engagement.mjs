#!/usr/bin/env node
// Live engagement and moderation in headless Chromium: four people in one browser (a context
// each) around one channel, with no stream needed:
// - the owner (--owner-token) starts a poll from the dashboard's Engagement tab;
// - a signed-in viewer (--viewer-token) has the channel page open: the poll appears without a
//   reload, the viewer votes and sees the counts and shares; when the owner ends it, the results
//   (the winner) show;
// - an anonymous OBS browser source shows /overlay/CHANNEL/poll: nothing while idle, the poll
//   and its votes live, on a transparent page without the site's chrome;
// - with the prediction and the 50-point reward the caller set up, and the 300 points of the
//   viewer's follow: the viewer stakes 100 points (balance 200), redeems the reward ("vic redeemed
//   …" in chat, balance 150) and the owner fulfils it from the redemption queue;
// - a moderator (--mod-token) has the mod view open: the viewer's chat message AutoMod holds
//   (--held-text; the caller turned AutoMod on) makes the viewer's chat say it is being reviewed
//   and appears in the mod queue without a reload; the moderator approves it and the viewer's
//   chat shows it; the log records the approval and the viewer's user card opens from it;
// - the owner uploads a custom emote (a 56x56 PNG ffmpeg draws) on the dashboard's Emotes tab:
//   the viewer's emote picker offers it without a reload, the viewer writes it into a message
//   with the picker, and both the viewer's and the moderator's chat show its image (loaded).
// Screenshots: channel-poll.png, overlay-poll.png (transparent background), mod-dashboard.png,
// dashboard-emotes.png, chat-emote.png.
// Waits are on the pages' own state (data-state, data-testid), never on fixed sleeps.
// Usage: node tests/e2e/browser/engagement.mjs --url http://127.0.0.1:PORT --channel NAME
//          --owner-token T --viewer VIEWER --viewer-token T --mod MOD --mod-token T
//          --held-text TEXT --out DIR [--timeout 30]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fail, launchOrExit, markDocument, newPersonPage, report, sameDocument, scriptArgs } from './lib.mjs';

const USAGE =
  'usage: engagement.mjs --url BASE --channel NAME --owner-token T --viewer NAME --viewer-token T --mod NAME --mod-token T --held-text TEXT --out DIR [--timeout SECONDS]';
const args = scriptArgs(USAGE, {
  options: ['url', 'channel', 'owner-token', 'viewer', 'viewer-token', 'mod', 'mod-token', 'held-text'],
  required: ['url', 'channel', 'owner-token', 'viewer', 'viewer-token', 'mod', 'mod-token', 'held-text'],
  defaults: { timeout: '30' },
});
const { timeoutMs } = args;
const base = args.url.replace(/\/$/, '');
const channel = args.channel;
const shots = {
  channel: path.join(args.out, 'channel-poll.png'),
  overlay: path.join(args.out, 'overlay-poll.png'),
  mod: path.join(args.out, 'mod-dashboard.png'),
  emotes: path.join(args.out, 'dashboard-emotes.png'),
  chatEmote: path.join(args.out, 'chat-emote.png'),
  failure: path.join(args.out, 'engagement_failure.png'),
};
const POLL = { title: 'Which map next?', choices: ['Dust', 'Mirage', 'Inferno'] };
const EMOTE = 'novaHype';
const emotePng = path.join(args.out, 'emote.png');
execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=56x56', '-frames:v', '1', emotePng]);

const browser = await launchOrExit();
const errors = [];
// The channel is offline: the player's HLS requests 404, and "nothing running" reads are 404s.
const ignore = /404|hls|m3u8|media|\/watch/i;
const person = (name, session) => newPersonPage(browser, { name, timeoutMs, errors, origin: base, session, ignore });

let step = 'opening pages';
let current = null;
const out = {};
const checks = {};
const t0 = Date.now();
const at = () => Date.now() - t0;
/** Starts a step, noting when (out.steps: ms since the start, per step). */
const begin = (name) => {
  step = name;
  (out.steps ??= {})[name] = at();
};
try {
  const [owner, viewer, mod, obs] = await Promise.all([
    person('owner', { token: args['owner-token'], username: channel }),
    person('viewer', { token: args['viewer-token'], username: args.viewer }),
    person('mod', { token: args['mod-token'], username: args.mod }),
    person('overlay'),
  ]);
  // The three watching pages load side by side; each is then checked in turn.
  await Promise.all([
    viewer.goto(`${base}/c/${channel}`, { waitUntil: 'domcontentloaded' }),
    obs.goto(`${base}/overlay/${channel}/poll`, { waitUntil: 'domcontentloaded' }),
    mod.goto(`${base}/c/${channel}/mod`, { waitUntil: 'domcontentloaded' }),
    owner.goto(`${base}/dashboard?tab=engagement`, { waitUntil: 'domcontentloaded' }),
  ]);

  begin('the viewer opens the channel page');
  current = viewer;
  await viewer.locator('#engagement[data-loaded="true"]').waitFor({ state: 'attached' });
  await viewer.locator('.chat-panel[data-status="open"]').waitFor();
  await viewer.locator('#points-widget').waitFor();
  await markDocument(viewer);
  checks.no_poll_before = (await viewer.locator('#poll-widget').count()) === 0;

  begin('the overlay shows nothing while idle');
  current = obs;
  await obs.locator('#overlay[data-loaded="true"][data-state="idle"]').waitFor();
  checks.overlay_idle_empty = await obs.evaluate(() => document.getElementById('overlay')?.childElementCount === 0);
  await markDocument(obs);

  begin('the moderator opens the mod view');
  current = mod;
  await mod.locator('#mod-page[data-state="ready"]').waitFor();
  await mod.locator('#mod-queue[data-state="ready"]').waitFor();
  await mod.locator('.mod-chat .chat-panel[data-status="open"]').waitFor();
  await markDocument(mod);

  begin('the owner starts a poll on the dashboard');
  current = owner;
  await owner.locator('#poll-control[data-state="idle"]').waitFor();
  await owner.fill('[data-testid="poll-title-input"]', POLL.title);
  await owner.click('[data-testid="poll-choices-add"]');
  const inputs = owner.locator('[data-testid="poll-choices-input"]');
  for (let i = 0; i < POLL.choices.length; i++) await inputs.nth(i).fill(POLL.choices[i]);
  await owner.fill('[data-testid="poll-duration"]', '120');
  await owner.click('[data-testid="poll-start"]');
  await owner.locator('#poll-control[data-state="active"]').waitFor();
  out.poll_started_ms = at();

  begin('the viewer sees the poll without a reload and votes');
  current = viewer;
  await viewer.locator('#poll-widget[data-state="active"]').waitFor();
  out.poll_seen_ms = at();
  out.poll_title = (await viewer.locator('#poll-title').innerText()).trim();
  checks.poll_live = (await sameDocument(viewer)) && out.poll_title === POLL.title;
  checks.poll_choices = (await viewer.locator('[data-testid="poll-choice"]').count()) === POLL.choices.length;
  await viewer.click('[data-testid="poll-vote"][data-index="1"]');
  await viewer.locator('[data-testid="poll-my-votes"]').waitFor();
  await viewer.locator('[data-testid="poll-choice"][data-index="1"][data-votes="1"][data-percent="100"]').waitFor();
  out.my_votes = (await viewer.locator('[data-testid="poll-my-votes"]').innerText()).trim();
  checks.voted = /Mirage/.test(out.my_votes) && (await viewer.locator('[data-testid="poll-vote"]').count()) === 0;
  await viewer.screenshot({ path: shots.channel });

  begin('the overlay shows the poll and the vote live');
  current = obs;
  await obs.locator('#overlay[data-state="active"] [data-testid="overlay-poll"]').waitFor();
  await obs.locator('[data-testid="overlay-choice"][data-votes="1"][data-percent="100"]').waitFor();
  out.overlay = await obs.evaluate(() => ({
    backgrounds: [document.documentElement, document.body, document.getElementById('app')].map((e) => getComputedStyle(e).backgroundColor),
    chrome: document.querySelectorAll('.topbar, .topnav, .app, #chat').length,
    title: document.querySelector('[data-testid="overlay-poll"] .eng-title')?.textContent ?? null,
    fontPx: parseFloat(getComputedStyle(document.querySelector('[data-testid="overlay-poll"] .eng-title')).fontSize),
  }));
  checks.overlay_live = (await sameDocument(obs)) && out.overlay.title === POLL.title;
  checks.overlay_transparent = out.overlay.backgrounds.every((b) => b === 'rgba(0, 0, 0, 0)' || b === 'transparent');
  checks.overlay_no_chrome = out.overlay.chrome === 0;
  checks.overlay_large_text = out.overlay.fontPx >= 28;
  await obs.screenshot({ path: shots.overlay, omitBackground: true });

  begin('the owner ends the poll; the viewer sees the results');
  current = owner;
  await owner.click('[data-testid="poll-end"]');
  await owner.locator('#poll-control[data-state="idle"]').waitFor();
  current = viewer;
  await viewer.locator('#poll-widget[data-state="ended"]').waitFor();
  await viewer.locator('[data-testid="poll-choice"][data-index="1"][data-winner="true"]').waitFor();
  checks.results = (await viewer.locator('#poll-widget [data-testid="poll-total"]').innerText()).startsWith('1 vote');
  current = obs;
  await obs.locator('#overlay[data-state="ended"]').waitFor();

  begin('the viewer stakes channel points on the prediction');
  // The caller started a prediction and a 50-point reward; the viewer's follow earned 300 points.
  current = viewer;
  await viewer.locator('[data-testid="points-balance"][data-balance="300"]').waitFor();
  await viewer.locator('#prediction-widget[data-state="active"]').waitFor();
  await viewer.click('[data-testid="prediction-pick"][data-index="0"]');
  await viewer.fill('[data-testid="prediction-points"]', '100');
  await viewer.click('[data-testid="prediction-stake"]');
  await viewer.locator('[data-testid="prediction-my-stake"][data-outcome="0"][data-points="100"]').waitFor();
  await viewer.locator('[data-testid="prediction-outcome"][data-index="0"][data-points="100"][data-users="1"]').waitFor();
  await viewer.locator('[data-testid="points-balance"][data-balance="200"]').waitFor();
  checks.staked = true;

  begin('the viewer redeems a reward; the owner fulfils it');
  await viewer.click('[data-testid="points-balance"]');
  await viewer.locator('[data-testid="reward"]').first().waitFor();
  await viewer.locator('[data-testid="reward-redeem"]').first().click();
  await viewer.locator('[data-testid="redemption-line"]').waitFor();
  out.redemption_line = (await viewer.locator('[data-testid="redemption-line"]').innerText()).trim();
  await viewer.locator('[data-testid="points-balance"][data-balance="150"]').waitFor();
  checks.redemption_in_chat = out.redemption_line.includes(`${args.viewer} redeemed`);
  current = owner;
  const row = owner.locator(`[data-testid="redemption-row"][data-user="${args.viewer}"]`);
  await row.waitFor();
  await row.locator('[data-testid="redemption-fulfil"]').click();
  await owner.locator('#redemption-queue[data-count="0"]').waitFor();
  checks.fulfilled = true;

  begin('the viewer writes a message AutoMod holds');
  current = viewer;
  await viewer.fill('#chat-input', args['held-text']);
  await viewer.click('#chat-send');
  await viewer.locator('[data-testid="held-notice"]').waitFor();
  out.held_notice = (await viewer.locator('[data-testid="held-notice"]').last().innerText()).trim();
  const textShown = (page) =>
    page.evaluate((text) => [...document.querySelectorAll('#chat-messages .chat-msg .chat-text')].some((e) => e.textContent === text), args['held-text']);
  checks.not_shown_while_held = !(await textShown(viewer));

  begin('the held message reaches the mod queue without a reload');
  current = mod;
  const item = mod.locator(`[data-testid="held-item"][data-user="${args.viewer}"]`).first();
  await item.waitFor();
  out.held_seen_ms = at();
  out.held_item = (await item.innerText()).replace(/\s+/g, ' ').trim();
  checks.held_live = (await sameDocument(mod)) && out.held_item.includes(args['held-text']);
  await mod.screenshot({ path: shots.mod });

  begin('the moderator approves; the viewer sees the message');
  await item.locator('[data-testid="held-approve"]').click();
  await mod.locator(`[data-testid="held-item"][data-user="${args.viewer}"]`).waitFor({ state: 'detached' });
  current = viewer;
  await viewer.waitForFunction(
    (text) => [...document.querySelectorAll('#chat-messages .chat-msg .chat-text')].some((e) => e.textContent === text),
    args['held-text'],
  );
  out.approved_seen_ms = at();
  checks.approved_arrives = true;

  begin('the log records the approval; the user card opens');
  current = mod;
  const entry = mod.locator('[data-testid="log-entry"][data-action="automod_approve"]').first();
  await entry.waitFor();
  out.log_entry = (await entry.innerText()).replace(/\s+/g, ' ').trim();
  await mod.locator(`.mod-chat [data-testid="chat-user"]`).filter({ hasText: args.viewer }).first().click();
  await mod.locator(`#user-card[data-user="${args.viewer}"][data-state="ready"]`).waitFor();
  out.card = (await mod.locator('#user-card').innerText()).replace(/\s+/g, ' ').trim().slice(0, 300);
  checks.user_card = out.card.includes('Account age');
  await mod.click('[data-testid="user-card-close"]');

  begin('the owner uploads an emote on the dashboard');
  current = owner;
  await owner.click('#dash-tab-emotes');
  await owner.locator('#emotes-panel[data-state="ready"]').waitFor();
  out.emote_limits = (await owner.locator('[data-testid="emote-limits"]').innerText()).trim();
  await owner.fill('#emote-code', EMOTE);
  await owner.setInputFiles('#emote-file', emotePng);
  await owner.click('#emote-upload');
  const uploaded = owner.locator(`[data-testid="emote-row"][data-code="${EMOTE}"]`);
  await uploaded.waitFor();
  out.emote_row = (await uploaded.innerText()).replace(/\s+/g, ' ').trim();
  checks.emote_uploaded = /PNG/.test(out.emote_row) && (await owner.locator('[data-testid="emote-upload-error"]').count()) === 0;
  await owner.screenshot({ path: shots.emotes });

  begin('the viewer picks the new emote and sends it');
  current = viewer;
  await viewer.click('#emote-picker-toggle');
  // The picker has it without a reload: the room's emotes frame brought the new list.
  await viewer.click(`.emote-pick[data-code="${EMOTE}"]`);
  out.emote_draft = await viewer.inputValue('#chat-input');
  checks.emote_picked = out.emote_draft === `:${EMOTE}: ` && (await sameDocument(viewer));
  await viewer.locator('#chat-input').pressSequentially('gg');
  await viewer.click('#chat-send');
  const loaded = (img) =>
    document.querySelector(img) !== null && [...document.querySelectorAll(img)].every((e) => e.complete && e.naturalWidth > 0);
  const img = `#chat-messages .chat-msg img.chat-emote[alt=":${EMOTE}:"]`;
  await viewer.waitForFunction(loaded, img);
  out.emote_seen_ms = at();
  out.emote_img = await viewer.evaluate((sel) => {
    const e = document.querySelector(sel);
    return { src: e.getAttribute('src'), naturalWidth: e.naturalWidth, width: e.width, title: e.title };
  }, img);
  checks.emote_in_chat = out.emote_img.naturalWidth === 56 && out.emote_img.title === EMOTE;
  await viewer.locator('#chat-messages .chat-msg').last().scrollIntoViewIfNeeded();
  await viewer.screenshot({ path: shots.chatEmote });
  current = mod;
  await mod.waitForFunction(loaded, `.mod-chat ${img}`);
  checks.emote_for_others = await sameDocument(mod);

  checks.no_page_errors = errors.length === 0;
  out.wall_ms = at();
  report(checks, { ...out, screenshots: Object.values(shots).filter((s) => s !== shots.failure) }, errors);
} catch (e) {
  await current?.screenshot({ path: shots.failure }).catch(() => {});
  fail(`${step}: ${e.message.split('\n')[0]}`, { checks, ...out, errors });
} finally {
  await browser.close();
}
