#!/usr/bin/env node
// Plays a live channel page in headless Chromium and checks that the WebSocket/MSE path is
// used, video advances, and the page shows its live latency (#latency).
// Usage: node tests/e2e/browser/play_ws.mjs --url http://127.0.0.1:PORT/c/NAME --out DIR [--timeout 30]
import path from 'node:path';
import {
  fail, openPage, scriptArgs, playerState, round3, samplePlayer, sampleWindow, waitForFirstFrame,
} from './lib.mjs';

const USAGE = 'usage: play_ws.mjs --url URL --out DIR [--timeout SECONDS]';
const MIN_ADVANCE_S = 1.0;

const args = scriptArgs(USAGE, {
  options: ['url'],
  required: ['url'],
});
const { timeoutMs } = args;
const shot = path.join(args.out, 'channel_ws.png');

const t0 = Date.now();
let session;
try {
  session = await openPage(args.url, { timeoutMs });
} catch (e) {
  fail(`could not open ${args.url}: ${e.message}`);
  process.exit(1);
}
const { browser, page, errors } = session;

let step = 'waiting for #live-badge';
try {
  await page.locator('#live-badge').waitFor({ state: 'visible', timeout: timeoutMs });
  step = 'waiting for the first video frame';
  await waitForFirstFrame(page, timeoutMs - (Date.now() - t0));
  const firstFrameAtMs = Date.now() - t0;
  step = 'sampling';
  const { last, advance } = await sampleWindow(page);
  await page.screenshot({ path: shot });
  const result = {
    ok: advance > MIN_ADVANCE_S && last.mode === 'ws' && last.latencySource === 'player' && /\d/.test(last.latencyText ?? ''),
    url: args.url,
    state: await playerState(page),
    mode: last.mode,
    tried: last.tried,
    first_frame_after_ms: firstFrameAtMs,
    advance_s: round3(advance),
    latency_s: round3(last.latency),
    latency_text: last.latencyText,
    stalls: last.stalls,
    ws_skips: last.wsSkips,
    video_size: last.videoSize,
    screenshot: shot,
    console_errors: errors,
  };
  if (!result.ok) fail(`WebSocket playback check failed (mode ${last.mode}, advance ${result.advance_s}s, latency ${result.latency_text})`, result);
  else console.log(JSON.stringify(result));
} catch (e) {
  await page.screenshot({ path: shot }).catch(() => {});
  const last = await samplePlayer(page).catch(() => null);
  fail(`${step} (player data-state=${await playerState(page)}): ${e.message.split('\n')[0]}`, { url: args.url, video: last, errors });
} finally {
  await browser.close().catch(() => {});
}
