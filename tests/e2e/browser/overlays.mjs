// OBS overlays in the browser (docs/obs.md), no stream needed:
// - the owner's dashboard (Stream tab) lists every overlay URL; "Copy to OBS" puts the chat URL on
//   the clipboard (clipboard permissions granted to the context);
// - every overlay URL (chat, alerts, polls, predictions, hype_train, now_playing, goals) renders
//   with the valid token at its OBS size, transparent (a screenshot each, omitBackground);
// - a wrong token shows the refusal;
// - a chat message sent over the WebSocket appears on the chat overlay;
// - a poll started over the API appears on the polls overlay;
// - "now playing" set in the dashboard appears on the now_playing overlay without a reload, and
//   a follower goal saved there on the goals overlay (beside the tip campaign);
// - "Rotate token" in the dashboard: the old chat URL, reloaded, is refused.
// Waits are on the pages' own state (data-state, data-testid), never on fixed sleeps.
// Usage: node tests/e2e/browser/overlays.mjs --url http://127.0.0.1:PORT --channel NAME
//          --owner-token T --out DIR [--timeout 30]
import path from 'node:path';
import { fail, launchOrExit, newPersonPage, report, scriptArgs } from './lib.mjs';

const USAGE = 'usage: overlays.mjs --url BASE --channel NAME --owner-token T --out DIR [--timeout SECONDS]';
const args = scriptArgs(USAGE, { options: ['url', 'channel', 'owner-token'], required: ['url', 'channel', 'owner-token'], defaults: { timeout: '30' } });
const { timeoutMs } = args;
const base = args.url.replace(/\/$/, '');
const channel = args.channel;
const ownerToken = args['owner-token'];
const KINDS = ['chat', 'alerts', 'polls', 'predictions', 'hype_train', 'now_playing', 'goals'];
const shot = (name) => path.join(args.out, `${name}.png`);

const browser = await launchOrExit();
const errors = [];
// Nothing streams: the thumbnails' and "nothing running" reads are 404s; a refused overlay's
// check is a 403 the page expects.
const ignore = /404|403|hls|m3u8|media|\/thumb|speech/i;
const person = (name, session) => newPersonPage(browser, { name, timeoutMs, errors, origin: base, session, ignore });

let step = 'opening the dashboard';
let current = null;
const out = {};
const checks = {};
const t0 = Date.now();
const begin = (name) => {
  step = name;
  (out.steps ??= {})[name] = Date.now() - t0;
};

try {
  const owner = await person('owner', { token: ownerToken, username: channel });
  current = owner;
  await owner.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await owner.goto(`${base}/dashboard`, { waitUntil: 'domcontentloaded' });
  await owner.locator('[data-testid="obs-panel"][data-loaded="true"]').waitFor();
  const urls = {};
  for (const k of KINDS) urls[k] = (await owner.locator(`[data-testid="obs-url-${k}"]`).innerText()).trim();
  out.urls = urls;
  checks.every_url = KINDS.every((k) => urls[k].startsWith(`${base}/overlay/${channel}/${k}?token=`));

  begin('Copy to OBS puts the chat URL on the clipboard');
  await owner.click('[data-testid="obs-copy-chat"]');
  await owner.locator('[data-testid="obs-copy-chat"]', { hasText: 'Copied' }).waitFor();
  out.clipboard = await owner.evaluate(() => navigator.clipboard.readText());
  checks.clipboard = out.clipboard === urls.chat;
  await owner.screenshot({ path: shot('dashboard-obs'), fullPage: true });

  begin('every overlay renders with the token');
  const obs = await person('obs');
  current = obs;
  const pages = {};
  for (const k of KINDS) {
    const page = k === 'chat' ? obs : await obs.context().newPage();
    page.setDefaultTimeout(timeoutMs);
    const size = await owner.locator(`[data-testid="obs-overlay-${k}"] .muted`).innerText();
    const [w, h] = size.split('×').map((x) => Number(x.trim()));
    await page.setViewportSize({ width: w, height: h });
    await page.goto(urls[k], { waitUntil: 'domcontentloaded' });
    pages[k] = page;
  }
  out.states = {};
  for (const k of KINDS) {
    const page = pages[k];
    await page.locator(`#overlay[data-widget="${k}"]:not([data-state="checking"])`).waitFor({ state: 'attached' });
    out.states[k] = await page.locator('#overlay').getAttribute('data-state');
    const transparent = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    out.states[`${k}_background`] = transparent;
    await page.screenshot({ path: shot(`overlay-${k}`), omitBackground: true });
  }
  checks.none_refused = KINDS.every((k) => out.states[k] !== 'refused');
  checks.transparent = KINDS.every((k) => /rgba\(0, 0, 0, 0\)|transparent/.test(out.states[`${k}_background`]));

  begin('a wrong token is refused');
  const wrong = await obs.context().newPage();
  await wrong.setViewportSize({ width: 800, height: 200 });
  await wrong.goto(`${base}/overlay/${channel}/chat?token=${'0'.repeat(64)}`, { waitUntil: 'domcontentloaded' });
  await wrong.locator('#overlay[data-state="refused"] [data-testid="overlay-refused"]').waitFor();
  out.refusal = (await wrong.locator('[data-testid="overlay-refused"]').innerText()).trim();
  checks.wrong_token_refused = /not valid/i.test(out.refusal);
  await wrong.screenshot({ path: shot('overlay-refused') });

  begin('a chat message sent over the WebSocket shows on the chat overlay');
  current = pages.chat;
  const text = `hello from the overlay test ${Date.now()}`;
  await owner.evaluate(
    ([token, room, message]) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
        ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
        ws.onmessage = (ev) => {
          for (const f of [JSON.parse(ev.data)].flat()) {
            if (f.type === 'auth_ok') ws.send(JSON.stringify({ type: 'join', channel: room }));
            else if (f.type === 'history') ws.send(JSON.stringify({ type: 'send', text: message, ref: 1 }));
            else if (f.type === 'ok' && f.ref === 1) resolve(ws.close());
            else if (f.type === 'error') reject(new Error(f.message));
          }
        };
      }),
    [ownerToken, channel, text],
  );
  await pages.chat.locator('[data-testid="overlay-chat-line"]', { hasText: text }).waitFor();
  checks.chat_message = true;
  await pages.chat.screenshot({ path: shot('overlay-chat'), omitBackground: true });

  begin('a poll started over the API shows on the polls overlay');
  current = pages.polls;
  const poll = await fetch(`${base}/api/v1/channels/${channel}/polls`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ownerToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title: 'Which map next?', choices: ['Dust', 'Inferno'], duration_s: 120, points_per_vote: 0 }),
  });
  out.poll_status = poll.status;
  await pages.polls.locator('#overlay[data-state="active"] [data-testid="overlay-poll"]', { hasText: 'Which map next?' }).waitFor();
  checks.poll_shown = poll.status === 201 || poll.status === 200;
  await pages.polls.screenshot({ path: shot('overlay-polls'), omitBackground: true });

  begin('now playing set in the dashboard shows live');
  current = pages.now_playing;
  await owner.fill('[data-testid="obs-np-title"]', 'Midnight City');
  await owner.fill('[data-testid="obs-np-artist"]', 'M83');
  await owner.click('[data-testid="obs-np-save"]');
  await pages.now_playing.locator('[data-testid="overlay-now-playing"][data-state="playing"] [data-testid="overlay-np-title"]', { hasText: 'Midnight City' }).waitFor();
  checks.now_playing_live = (await pages.now_playing.locator('[data-testid="overlay-np-artist"]').innerText()).trim() === 'M83';
  await pages.now_playing.screenshot({ path: shot('overlay-now_playing'), omitBackground: true });

  begin('a follower goal saved in the dashboard shows on the goals overlay');
  current = pages.goals;
  await owner.fill('[data-testid="obs-goal-followers"]', '10');
  await owner.click('[data-testid="obs-goal-save"]');
  await pages.goals.locator('[data-testid="overlay-follower-goal"][data-goal="10"][data-followers="0"]').waitFor();
  checks.follower_goal_live = true;
  await pages.goals.screenshot({ path: shot('overlay-goals'), omitBackground: true });

  begin('rotating the token refuses the old URL');
  current = owner;
  await owner.click('[data-testid="obs-rotate"]');
  await owner.click('[data-testid="obs-rotate-confirm"]');
  await owner.waitForFunction((old) => document.querySelector('[data-testid="obs-url-chat"]')?.textContent?.trim() !== old, urls.chat);
  out.rotated_url = (await owner.locator('[data-testid="obs-url-chat"]').innerText()).trim();
  current = pages.chat;
  await pages.chat.reload({ waitUntil: 'domcontentloaded' });
  await pages.chat.locator('#overlay[data-state="refused"]').waitFor({ state: 'attached' });
  checks.rotation_refuses_old = out.rotated_url !== urls.chat && out.rotated_url.startsWith(`${base}/overlay/${channel}/chat?token=`);

  checks.no_page_errors = errors.length === 0;
  out.wall_ms = Date.now() - t0;
  report(checks, out, errors);
} catch (e) {
  await current?.screenshot({ path: shot('overlays_failure') }).catch(() => {});
  fail(`${step}: ${e.message.split('\n')[0]}`, { checks, ...out, errors });
} finally {
  await browser.close();
}
