#!/usr/bin/env node
// Plays a live channel page pinned to LL-HLS (`?player=llhls`) in headless Chromium and checks
// that hls.js runs in low-latency mode on /hls/<ch>/ll-master.m3u8 and its ll.m3u8 variants:
// blocking playlist reloads
// (_HLS_msn/_HLS_part) and partial segments (ll/<session>/p<msn>.<part>.m4s) keep arriving while the
// video advances; reports the latency the page shows.
// Usage: node tests/e2e/browser/play_llhls.mjs --url http://127.0.0.1:PORT/c/NAME --out DIR [--timeout 30]
import path from 'node:path';
import {
  fail, openPage, scriptArgs, playerState, round3, samplePlayer, sampleWindow, waitForFirstFrame,
} from './lib.mjs';

const USAGE = 'usage: play_llhls.mjs --url URL --out DIR [--timeout SECONDS]';
const MIN_ADVANCE_S = 1.0;
const SAMPLE_WINDOW_MS = 6000;
const MIN_PARTS_IN_WINDOW = 6; // parts are <= 0.3 s: ~20 in 6 s

const args = scriptArgs(USAGE, {
  options: ['url'],
  required: ['url'],
});
const { timeoutMs } = args;
const shot = path.join(args.out, 'channel_llhls.png');
const pageUrl = new URL(args.url);
pageUrl.searchParams.set('player', 'llhls');

// Every LL-HLS request the page makes, classified; counted from page load and per window.
const requests = { playlist: 0, blocking: 0, parts: 0, segments: 0, other_hls: 0 };
const classify = (u) => {
  const { pathname, searchParams } = new URL(u);
  if (!pathname.startsWith('/hls/')) return null;
  if (pathname.endsWith('/ll.m3u8')) return searchParams.has('_HLS_msn') ? 'blocking' : 'playlist';
  if (/\/ll\/[^/]+\/p\d+\.\d+\.m4s$/.test(pathname)) return 'parts';
  if (/\/ll\/[^/]+\/[^/]+\.m4s$/.test(pathname)) return 'segments';
  return 'other_hls';
};

const t0 = Date.now();
let session;
try {
  session = await openPage(pageUrl.href, {
    timeoutMs,
    beforeGoto: (page) =>
      page.on('request', (req) => {
        const kind = classify(req.url());
        if (kind) requests[kind] += 1;
      }),
  });
} catch (e) {
  fail(`could not open ${pageUrl.href}: ${e.message}`);
  process.exit(1);
}
const { browser, page, errors } = session;

const hlsState = () =>
  page.evaluate(() => {
    const h = window.__aethexPlayer?.hls;
    if (!h) return null;
    const details = h.levels?.find((l) => l.details)?.details ?? null;
    return {
      url: h.url,
      lowLatencyMode: h.lowLatencyMode,
      parts: details?.partList?.length ?? 0,
      partTarget: details?.partTarget ?? null,
      canBlockReload: details?.canBlockReload ?? false,
      targetLatency: Number.isFinite(h.targetLatency) ? h.targetLatency : null,
    };
  });

let step = 'waiting for #live-badge';
try {
  await page.locator('#live-badge').waitFor({ state: 'visible', timeout: timeoutMs });
  step = 'waiting for the first video frame';
  await waitForFirstFrame(page, timeoutMs - (Date.now() - t0));
  const firstFrameAtMs = Date.now() - t0;

  step = 'sampling';
  const before = { ...requests };
  const { last, advance, wall } = await sampleWindow(page, { windowMs: SAMPLE_WINDOW_MS });
  const inWindow = Object.fromEntries(Object.keys(requests).map((k) => [k, requests[k] - before[k]]));
  const hls = await hlsState();
  await page.screenshot({ path: shot });

  const checks = {
    advances: advance > MIN_ADVANCE_S,
    pinned: last.mode === 'll-hls' && last.tried.every((m) => m === 'll-hls'),
    // hls.js loads the LL-HLS master playlist (hls.url), then its ll.m3u8 variants.
    low_latency_mode: !!hls && hls.lowLatencyMode === true && /\/ll(-master)?\.m3u8(\?|$)/.test(hls.url ?? ''),
    playlist_has_parts: !!hls && hls.parts > 0 && hls.canBlockReload,
    fetches_parts: inWindow.parts >= MIN_PARTS_IN_WINDOW && inWindow.blocking >= 1,
    latency_shown: last.latencySource === 'player' && /\d/.test(last.latencyText ?? ''),
  };
  const result = {
    ok: Object.values(checks).every(Boolean),
    checks,
    url: pageUrl.href,
    state: await playerState(page),
    mode: last.mode,
    tried: last.tried,
    first_frame_after_ms: firstFrameAtMs,
    wall_s: round3(wall),
    advance_s: round3(advance),
    latency_s: round3(last.latency),
    latency_text: last.latencyText,
    hls_latency_s: round3(last.hlsLatency),
    hls,
    requests_total: requests,
    requests_in_window: inWindow,
    video_size: last.videoSize,
    screenshot: shot,
    console_errors: errors,
  };
  if (!result.ok) {
    const failed = Object.keys(checks).filter((k) => !checks[k]).join(', ');
    fail(`LL-HLS playback check failed: ${failed}`, result);
  } else {
    console.log(JSON.stringify(result));
  }
} catch (e) {
  await page.screenshot({ path: shot }).catch(() => {});
  const last = await samplePlayer(page).catch(() => null);
  fail(`${step} (player data-state=${await playerState(page)}): ${e.message.split('\n')[0]}`,
    { url: pageUrl.href, video: last, requests, errors });
} finally {
  await browser.close().catch(() => {});
}
