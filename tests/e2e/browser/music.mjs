// DJ mode in the browser (docs/music.md), against a node where the channel is in DJ mode and
// live with an audio stream:
// - the channel page shows the DJ layout; once the player is unmuted the visualiser draws from
//   WebAudio and animates: two captures of its canvas differ; muted again, it switches to
//   the node's frames (GET channels/{c}/audio/ws) and animates on them (server_frames);
//   a screenshot of the layout, and one at phone width;
// - "now playing" set over the API (POST now-playing) reaches the open page's card and its chat
//   as a "Now playing" line, without a reload;
// - the owner's dashboard Music tab imports a small CSV: the imported count and the bad line's
//   error are shown, the tracks are listed.
// Waits are on the pages' own state (data-testid, data-state, data-source), never fixed sleeps.
// Usage: node tests/e2e/browser/music.mjs --url BASE --channel NAME --owner-token T --out DIR
//          [--timeout 30]
import path from 'node:path';
import { fail, launchOrExit, newPersonPage, report, scriptArgs } from './lib.mjs';

const USAGE = 'usage: music.mjs --url BASE --channel NAME --owner-token T --out DIR [--timeout SECONDS]';
const args = scriptArgs(USAGE, { options: ['url', 'channel', 'owner-token'], required: ['url', 'channel', 'owner-token'], defaults: { timeout: '30' } });
const { timeoutMs } = args;
const base = args.url.replace(/\/$/, '');
const channel = args.channel;
const ownerToken = args['owner-token'];
const shot = (name) => path.join(args.out, `${name}.png`);
// A header, two good rows and one without a title (line 4), quoted field with a comma.
const CSV = 'title,artist,bpm,key,duration\n"Strobe","deadmau5",128,8A,10:37\n"Midnight City","M83, live",105,4B,4:03\n,Nobody,120,1A,3:00\n';

const browser = await launchOrExit();
const errors = [];
// Artwork of ad-hoc or art-less tracks is never asked for; a socket to a node that has not yet
// started the audio analysis is closed and retried by the page.
const ignore = /404|hls|m3u8|media|\/thumb|audio\/ws|WebSocket/i;
const person = (name, session) => newPersonPage(browser, { name, timeoutMs, errors, origin: base, session, ignore });

let step = 'opening the channel page';
let current = null;
const out = {};
const checks = {};
const t0 = Date.now();
const begin = (name) => {
  step = name;
  (out.steps ??= {})[name] = Date.now() - t0;
};
const canvasData = (page) => page.evaluate(() => document.querySelector('[data-testid="dj-visualiser"]')?.toDataURL() ?? '');

try {
  const viewer = await person('viewer');
  current = viewer;
  await viewer.goto(`${base}/c/${channel}`, { waitUntil: 'domcontentloaded' });
  await viewer.locator('[data-testid="dj-stage"] [data-testid="dj-now"]').waitFor();
  await viewer.locator('#player-container[data-state="playing"]').waitFor();
  checks.dj_layout = true;

  begin('the visualiser animates');
  // Listening is what lets WebAudio analyse (the page starts muted, as autoplay requires).
  await viewer.evaluate(() => {
    const v = document.querySelector('video');
    v.muted = false;
    v.volume = 1;
  });
  await viewer.locator('[data-testid="dj-visualiser"]:not([data-source="none"])').waitFor();
  out.visualiser_source = await viewer.locator('[data-testid="dj-visualiser"]').getAttribute('data-source');
  const first = await canvasData(viewer);
  await viewer.waitForFunction(
    (before) => {
      const now = document.querySelector('[data-testid="dj-visualiser"]')?.toDataURL() ?? '';
      return now !== before;
    },
    first,
    { polling: 100 },
  );
  const second = await canvasData(viewer);
  checks.visualiser_animates = first.length > 100 && second !== first;
  // Drawn, not blank: the data URL of an empty canvas is short and the same every time.
  const blank = await viewer.evaluate(() => {
    const c = document.querySelector('[data-testid="dj-visualiser"]');
    const e = document.createElement('canvas');
    e.width = c.width;
    e.height = c.height;
    return e.toDataURL();
  });
  checks.visualiser_draws = second !== blank;

  begin('muted, the visualiser draws the node\'s audio frames');
  // The node's frames come from the audio analysis (docs/music.md), whose own e2e checks their
  // values; here the page's switch to them, and its drawing from them, are checked.
  await viewer.evaluate(() => {
    document.querySelector('video').muted = true;
  });
  out.server_frames = await viewer
    .locator('[data-testid="dj-visualiser"][data-source="server"]')
    .waitFor({ timeout: 5000 })
    .then(async () => {
      const before = await canvasData(viewer);
      await viewer.waitForFunction((b) => document.querySelector('[data-testid="dj-visualiser"]')?.toDataURL() !== b, before, { polling: 100, timeout: 5000 });
      return true;
    })
    .catch(() => false);

  begin('now playing set over the API reaches the card and the chat');
  const title = `Opus ${Date.now() % 100000}`;
  const res = await fetch(`${base}/api/v1/channels/${channel}/music/now-playing`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ownerToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title, artist: 'Eric Prydz' }),
  });
  out.now_playing_status = res.status;
  await viewer.locator('[data-testid="dj-now"][data-state="playing"] [data-testid="dj-now-title"]', { hasText: title }).waitFor();
  checks.card_updates = (await viewer.locator('[data-testid="dj-now-artist"]').innerText()).trim() === 'Eric Prydz';
  await viewer.locator('#chat', { hasText: `Now playing: Eric Prydz – ${title}` }).waitFor();
  checks.chat_line = true;
  out.time_in_track = (await viewer.locator('[data-testid="dj-now-time"]').innerText()).trim();
  checks.time_in_track = /^0:0\d/.test(out.time_in_track);
  await viewer.screenshot({ path: shot('dj-layout') });

  begin('the layout at phone width');
  await viewer.setViewportSize({ width: 390, height: 844 });
  await viewer.locator('[data-testid="dj-now-title"]', { hasText: title }).waitFor();
  out.phone_overflow = await viewer.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  checks.phone_fits = out.phone_overflow <= 0;
  await viewer.screenshot({ path: shot('dj-layout-phone'), fullPage: true });

  begin('the dashboard imports a CSV');
  const owner = await person('owner', { token: ownerToken, username: channel });
  current = owner;
  await owner.goto(`${base}/dashboard?tab=music`, { waitUntil: 'domcontentloaded' });
  await owner.locator('[data-testid="music-panel"][data-loaded="true"]').waitFor();
  checks.dj_mode_shown = await owner.locator('[data-testid="music-dj-mode"]').isChecked();
  await owner.locator('[data-testid="music-library"][data-loaded="true"]').waitFor();
  await owner.setInputFiles('[data-testid="music-import"]', { name: 'set.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  const result = owner.locator('[data-testid="music-import-result"]');
  await result.waitFor();
  out.imported = Number(await result.getAttribute('data-imported'));
  out.import_errors = (await owner.locator('[data-testid="music-import-errors"]').innerText()).trim();
  checks.imported_two = out.imported === 2;
  checks.bad_line_shown = /Line 4/.test(out.import_errors);
  await owner.locator('[data-testid="music-tracks"] tr', { hasText: 'Midnight City' }).waitFor();
  checks.listed = (await owner.locator('[data-testid="music-tracks"] tr', { hasText: 'M83, live' }).count()) === 1;
  await owner.screenshot({ path: shot('dashboard-music'), fullPage: true });

  checks.no_page_errors = errors.length === 0;
  out.wall_ms = Date.now() - t0;
  report(checks, out, errors);
} catch (e) {
  await current?.screenshot({ path: shot('music_failure') }).catch(() => {});
  fail(`${step}: ${e.message.split('\n')[0]}`, { checks, ...out, errors });
} finally {
  await browser.close();
}
