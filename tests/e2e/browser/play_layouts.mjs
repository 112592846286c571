#!/usr/bin/env node
// Plays one live channel on every playback path (WebSocket, LL-HLS, HLS) in one headless
// Chromium and checks that it advances on each, with the layout the stream calls for: an
// audio-only stream shows the audio-only panel, a video-only one a picture; both show their
// live latency.
// Usage: node play_layouts.mjs --url http://127.0.0.1:PORT/c/NAME --expect audio|video --out DIR
import path from 'node:path';
import { fail, openBlankOrExit, scriptArgs, round3, sampleWindow, waitForFirstFrame } from './lib.mjs';

const USAGE = 'usage: play_layouts.mjs --url URL --expect audio|video --out DIR [--timeout SECONDS]';
const PATHS = [
  ['ws', 'ws'],
  ['llhls', 'll-hls'],
  ['hls', 'hls.js'],
];

const args = scriptArgs(USAGE, { options: ['url', 'expect'], required: ['url', 'expect'] });
const { timeoutMs } = args;
const audio = args.expect === 'audio';

const { browser, page, errors } = await openBlankOrExit(timeoutMs);
const results = [];
try {
  for (const [pin, mode] of PATHS) {
    const url = `${args.url}?player=${pin}`;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    await page.locator('#live-badge').waitFor({ state: 'visible', timeout: timeoutMs });
    await waitForFirstFrame(page, timeoutMs);
    const { last, advance } = await sampleWindow(page, { windowMs: 3000 });
    const panel = await page.locator('#audio-only').isVisible();
    const shot = path.join(args.out, `layout_${args.expect}_${pin}.png`);
    await page.screenshot({ path: shot });
    const [w, h] = (last.videoSize ?? '0x0').split('x').map(Number);
    results.push({
      path: pin,
      mode: last.mode,
      advance_s: round3(advance),
      audio_only: last.audioOnly,
      audio_panel: panel,
      latency_text: last.latencyText,
      video_size: last.videoSize,
      ok: last.mode === mode && advance > 1.0 && last.audioOnly === audio && panel === audio &&
        /\d/.test(last.latencyText ?? "") &&
        (audio ? w === 0 : w > 0 && h > 0),
      screenshot: shot,
    });
  }
  const ok = results.every((r) => r.ok);
  const summary = { ok, expect: args.expect, results, console_errors: errors };
  if (!ok) fail(`a playback path failed for the ${args.expect}-only stream`, summary);
  else console.log(JSON.stringify(summary));
} catch (e) {
  fail(`${e.message.split('\n')[0]}`, { results, errors });
} finally {
  await browser.close().catch(() => {});
}
