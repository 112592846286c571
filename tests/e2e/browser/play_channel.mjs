#!/usr/bin/env node
// Plays a live channel page in headless Chromium and checks that video advances.
// Usage: node tests/e2e/browser/play_channel.mjs --url http://127.0.0.1:PORT/c/NAME --out DIR [--timeout 30]
import path from 'node:path';
import {
  fail, openPage, scriptArgs, playerState, round3, samplePlayer, sampleWindow, waitForFirstFrame,
} from './lib.mjs';

const USAGE = 'usage: play_channel.mjs --url URL --out DIR [--timeout SECONDS]';
const MIN_ADVANCE_S = 1.0;

const args = scriptArgs(USAGE, {
  options: ['url'],
  required: ['url'],
});
const { timeoutMs } = args;
const shot = path.join(args.out, 'channel.png');

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
  const badgeAtMs = Date.now() - t0;

  // Wait for the first decoded frame before measuring progress.
  step = 'waiting for the first video frame';
  await waitForFirstFrame(page, timeoutMs - (Date.now() - t0));
  const firstFrameAtMs = Date.now() - t0;

  step = 'sampling currentTime';
  const { samples, last, advance, wall } = await sampleWindow(page);
  await page.screenshot({ path: shot });

  const result = {
    ok: advance > MIN_ADVANCE_S,
    url: args.url,
    state: await playerState(page),
    mode: last.mode,
    badge_visible_after_ms: badgeAtMs,
    first_frame_after_ms: firstFrameAtMs,
    wall_s: round3(wall),
    advance_s: round3(advance),
    current_time_samples: samples.map((s) => round3(s.currentTime)),
    latency_s: round3(last.latency),
    latency_source: last.latencySource,
    video_size: last.videoSize,
    screenshot: shot,
    console_errors: errors,
  };
  if (!result.ok) {
    fail(`video advanced only ${result.advance_s}s over ${result.wall_s}s of wall time (need > ${MIN_ADVANCE_S}s)`, result);
  } else {
    console.log(JSON.stringify(result));
  }
} catch (e) {
  await page.screenshot({ path: shot }).catch(() => {});
  const last = await samplePlayer(page).catch(() => null);
  const state = await playerState(page);
  fail(`${step} (player data-state=${state}): ${e.message.split('\n')[0]}`, { url: args.url, state, video: last, screenshot: shot, errors });
} finally {
  await browser.close().catch(() => {});
}
