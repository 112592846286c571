#!/usr/bin/env node
// Plays a live channel page in headless Chromium and checks that video advances.
// Usage: node tests/e2e/browser/play_channel.mjs --url http://127.0.0.1:PORT/c/NAME --out DIR [--timeout 30]
import path from 'node:path';
import { ensureDir, fail, openPage, parseArgs, playerState } from './lib.mjs';

const USAGE = 'usage: play_channel.mjs --url URL --out DIR [--timeout SECONDS]';
const SAMPLE_WINDOW_MS = 4000;
const SAMPLE_EVERY_MS = 500;
const MIN_ADVANCE_S = 1.0;

let args;
try {
  args = parseArgs(process.argv.slice(2), {
    options: ['url', 'out', 'timeout'],
    required: ['url', 'out'],
    defaults: { timeout: '30' },
  });
} catch (e) {
  console.error(`${e.message}\n${USAGE}`);
  process.exit(2);
}
const timeoutMs = Math.max(1, Number(args.timeout)) * 1000;
ensureDir(args.out);
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

const sampleVideo = () =>
  page.evaluate(() => {
    const v = document.querySelector('video');
    if (!v) return null;
    const b = v.buffered;
    const end = b.length ? b.end(b.length - 1) : null;
    const p = window.__aethexPlayer;
    const hlsLatency = p && p.hls && Number.isFinite(p.hls.latency) ? p.hls.latency : null;
    return {
      currentTime: v.currentTime,
      bufferedEnd: end,
      paused: v.paused,
      readyState: v.readyState,
      videoWidth: v.videoWidth,
      videoHeight: v.videoHeight,
      mode: p ? p.mode : null,
      latency: hlsLatency ?? (end !== null ? end - v.currentTime : null),
      latencySource: hlsLatency !== null ? 'hls.latency' : 'buffered',
    };
  });

let step = 'waiting for #live-badge';
try {
  await page.locator('#live-badge').waitFor({ state: 'visible', timeout: timeoutMs });
  const badgeAtMs = Date.now() - t0;

  // Wait for the first decoded frame before measuring progress.
  step = 'waiting for the first video frame';
  const remaining = Math.max(1000, timeoutMs - (Date.now() - t0));
  await page.waitForFunction(
    () => {
      const v = document.querySelector('video');
      return !!v && v.readyState >= 2 && v.currentTime > 0 && !v.paused;
    },
    null,
    { timeout: remaining, polling: 200 },
  );
  const firstFrameAtMs = Date.now() - t0;

  step = 'sampling currentTime';
  const samples = [];
  const start = Date.now();
  while (true) {
    const s = await sampleVideo();
    samples.push({ t_ms: Date.now() - start, ...s });
    if (Date.now() - start >= SAMPLE_WINDOW_MS) break;
    await page.waitForTimeout(SAMPLE_EVERY_MS);
  }
  await page.screenshot({ path: shot });

  const first = samples[0];
  const last = samples[samples.length - 1];
  const advance = last.currentTime - first.currentTime;
  const wall = (last.t_ms - first.t_ms) / 1000;
  const result = {
    ok: advance > MIN_ADVANCE_S,
    url: args.url,
    state: await playerState(page),
    mode: last.mode,
    badge_visible_after_ms: badgeAtMs,
    first_frame_after_ms: firstFrameAtMs,
    wall_s: Number(wall.toFixed(3)),
    advance_s: Number(advance.toFixed(3)),
    current_time_samples: samples.map((s) => Number(s.currentTime.toFixed(3))),
    latency_s: last.latency === null ? null : Number(last.latency.toFixed(3)),
    latency_source: last.latencySource,
    video_size: `${last.videoWidth}x${last.videoHeight}`,
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
  const last = await sampleVideo().catch(() => null);
  const state = await playerState(page);
  fail(`${step} (player data-state=${state}): ${e.message.split('\n')[0]}`, { url: args.url, state, video: last, screenshot: shot, errors });
} finally {
  await browser.close().catch(() => {});
}
