#!/usr/bin/env node
// Esports in headless Chromium (one browser, a context per person):
// - an organizer signs up in the UI, opens Tournaments from the top bar and creates a
//   16-entrant double-elimination tournament with a bracket reset ("With bracket reset"),
//   started at once; an anonymous viewer opens the same tournament page;
// - the organizer reports every match through the bracket's match panel (the first ready card,
//   its first side winning, except the grand final, which the losers' side wins so the reset is
//   played) until the page names the champion; the bracket then holds one card per match of the
//   API's tournament, all settled, and the "Whole bracket" zoom shows every card on a 1366×768
//   screen; the viewer's page (never reloaded) shows the same champion from the room's frames;
// - a spectator opens /t/SPECTATE/spectate, where the caller linked two live channels to a
//   match: two videos play (currentTime advances), exactly one has sound, and clicking the
//   other tile moves the sound there.
// Screenshots: esports-bracket.png, esports-spectate.png (esports-failure.png on failure).
// Usage: node tests/e2e/browser/esports.mjs --url BASE --organizer NAME --spectate ID
//          --channels A,B --out DIR [--timeout 30]
import path from 'node:path';
import { fail, launchOrExit, markDocument, newPersonPage, report, sameDocument, scriptArgs } from './lib.mjs';

const USAGE = 'usage: esports.mjs --url BASE --organizer NAME --spectate ID --channels A,B --out DIR [--timeout SECONDS]';
const args = scriptArgs(USAGE, {
  options: ['url', 'organizer', 'spectate', 'channels'],
  required: ['url', 'organizer', 'spectate', 'channels'],
  defaults: { timeout: '30' },
});
const { timeoutMs } = args;
const base = args.url.replace(/\/$/, '');
const channels = args.channels.split(',');
const shots = {
  bracket: path.join(args.out, 'esports-bracket.png'),
  spectate: path.join(args.out, 'esports-spectate.png'),
  failure: path.join(args.out, 'esports-failure.png'),
};
const LAPTOP = { width: 1366, height: 768 };
const ENTRANTS = Array.from({ length: 16 }, (_, i) => `player${String(i + 1).padStart(2, '0')}`);

const browser = await launchOrExit();
const errors = [];
// Players start before a stream's first segments exist (404s while they retry), and a tile's
// WebSocket path may give way to HLS.
const ignore = /404|m3u8|\/hls\/|\/ws\/media/i;
const person = (name) => newPersonPage(browser, { name, timeoutMs, errors, origin: base, ignore });

let step = 'opening pages';
let current = null;
const out = {};
const checks = {};
const t0 = Date.now();
const begin = (name) => {
  step = name;
  (out.steps ??= {})[name] = Date.now() - t0;
};

const apiTournament = (page, id) =>
  page.evaluate(async (id) => (await fetch(`/api/v1/tournaments/${encodeURIComponent(id)}`)).json(), id);

/** Reads each tile's video: channel, focus, muted, currentTime, readyState. */
const tiles = (page) =>
  page.$$eval('.spectate-tile', (els) =>
    els.map((el) => {
      const v = el.querySelector('video');
      return { channel: el.dataset.channel, focused: el.dataset.focused === 'true', muted: v.muted, t: v.currentTime, ready: v.readyState, paused: v.paused };
    }),
  );

try {
  // ---- The organizer ----
  begin('signup');
  const org = await person('organizer');
  current = org;
  await org.setViewportSize(LAPTOP);
  await org.goto(`${base}/signup`, { waitUntil: 'domcontentloaded' });
  await org.fill('#signup-username', args.organizer);
  await org.fill('#signup-password', `${args.organizer}-password-1`);
  await org.click('#signup-submit');
  await org.waitForURL(/\/dashboard/);

  begin('create');
  await org.click('#nav-tournaments');
  await org.waitForURL(/\/tournaments$/);
  await org.fill('#t-name', 'Friday Cup');
  await org.selectOption('#t-format', 'double_elimination');
  await org.selectOption('#t-grand-final', 'double');
  await org.fill('#t-entrants', ENTRANTS.join('\n'));
  await org.check('#t-start-now');
  await org.click('#t-create-submit');
  await org.waitForURL(/\/t\/[^/]+$/);
  const id = decodeURIComponent(new URL(org.url()).pathname.split('/')[2]);
  out.tournament = id;
  await org.locator('#bracket .match-card').first().waitFor();
  checks.created_running = (await org.locator('#t-state').getAttribute('data-state')) === 'running';
  // The tournament's chat room is the organizer's to write in (its broadcaster).
  await org.locator('#chat-input').waitFor();
  checks.organizer_can_chat = (await org.locator('#chat-guest-form').count()) === 0;

  // An anonymous viewer follows along without reloading.
  const viewer = await person('viewer');
  await viewer.setViewportSize(LAPTOP);
  await viewer.goto(`${base}/t/${encodeURIComponent(id)}`, { waitUntil: 'domcontentloaded' });
  await viewer.locator('#bracket .match-card').first().waitFor();
  await markDocument(viewer);

  begin('report');
  const reported = [];
  for (let i = 0; i < 40; i++) {
    if ((await org.locator('#t-champion').count()) > 0) break;
    const card = org.locator('#bracket .match-card[data-status="ready"]').first();
    await card.waitFor();
    const match = await card.getAttribute('data-match');
    await card.click();
    await org.locator(`#match-panel[data-match="${match}"]`).waitFor();
    // The grand final goes to the losers' side, so the bracket reset is played.
    const side = match === 'GF1' ? 1 : 0;
    await org.click(`#match-winner-${side}`);
    await org.click('#match-result-submit');
    await org.locator(`#bracket .match-card[data-match="${match}"][data-status="done"]`).waitFor();
    reported.push(match);
  }
  out.reported = reported.length;
  out.reset_played = reported.includes('GF2');
  const champion = await org.locator('#t-champion').getAttribute('data-champion', { timeout: 5000 });
  out.champion = champion;

  begin('verify bracket');
  const api = await apiTournament(org, id);
  const cards = await org.$$eval('#bracket .match-card', (els) => els.map((e) => ({ id: e.dataset.match, status: e.dataset.status })));
  out.cards = cards.length;
  out.api_matches = api.matches.length;
  checks.champion_shown = typeof champion === 'string' && champion === api.champion;
  checks.finished = api.state === 'finished';
  checks.cards_equal_matches = cards.length === api.matches.length && api.matches.every((m) => cards.some((c) => c.id === m.id));
  checks.all_settled = cards.every((c) => c.status === 'done');
  // 16 entrants with a played reset: 2n − 1 matches; without it 2n − 2.
  checks.match_count = api.matches.length === (out.reset_played ? 31 : 30);
  checks.reset_played = out.reset_played;
  checks.every_match_reported = reported.length === api.matches.length;
  await org.click('.bracket-zoom [data-zoom="fit"]');
  const viewport = org.viewportSize();
  const boxes = await org.$$eval('#bracket .match-card', (els) => els.map((e) => e.getBoundingClientRect().toJSON()));
  checks.whole_bracket_on_screen = boxes.every((b) => b.left >= 0 && b.top >= 0 && b.right <= viewport.width && b.bottom <= viewport.height);
  await org.screenshot({ path: shots.bracket });

  begin('viewer live');
  await viewer.locator(`#t-champion[data-champion="${champion}"]`).waitFor({ timeout: 10_000 });
  checks.viewer_live_champion = await sameDocument(viewer);
  out.viewer_frames = Number(await viewer.locator('#tournament-page').getAttribute('data-frames'));
  checks.viewer_got_frames = out.viewer_frames > 0;
  await viewer.context().close();

  // ---- Spectator mode ----
  begin('spectate');
  const fan = await person('spectator');
  current = fan;
  await fan.setViewportSize(LAPTOP);
  await fan.goto(`${base}/t/${encodeURIComponent(args.spectate)}/spectate`, { waitUntil: 'domcontentloaded' });
  await fan.waitForFunction(
    (n) => {
      const vs = [...document.querySelectorAll('.spectate-tile video')];
      return vs.length === n && vs.every((v) => v.readyState >= 2 && v.currentTime > 0.2 && !v.paused);
    },
    channels.length,
    { timeout: 25_000, polling: 100 },
  );
  const first = await tiles(fan);
  await fan.waitForTimeout(2000);
  const second = await tiles(fan);
  out.tiles = second;
  checks.two_tiles = second.length === 2 && channels.every((c) => second.some((t) => t.channel === c));
  checks.both_play = second.every((t) => t.t - (first.find((f) => f.channel === t.channel)?.t ?? t.t) > 1.0);
  checks.one_with_sound = second.filter((t) => !t.muted).length === 1 && second.every((t) => t.focused === !t.muted);
  const quiet = second.find((t) => t.muted)?.channel;
  await fan.click(`.spectate-tile[data-channel="${quiet}"]`);
  await fan.waitForFunction((c) => document.querySelector(`.spectate-tile[data-channel="${c}"]`)?.dataset.focused === 'true', quiet);
  const swapped = await tiles(fan);
  checks.focus_swaps_sound = swapped.find((t) => t.channel === quiet)?.muted === false && swapped.filter((t) => !t.muted).length === 1;
  const spectateApi = await apiTournament(fan, args.spectate);
  checks.spectate_bracket = (await fan.locator('#bracket .match-card').count()) === spectateApi.matches.length;
  await fan.screenshot({ path: shots.spectate });

  checks.no_console_errors = errors.length === 0;
  out.elapsed_ms = Date.now() - t0;
  report(checks, out, errors);
} catch (e) {
  if (current) await current.screenshot({ path: shots.failure }).catch(() => undefined);
  fail(`${step}: ${e.message}`, { errors, ...out, checks });
} finally {
  await browser.close();
}
