#!/usr/bin/env node
// Chooses renditions from the channel page's quality menu on the WebSocket and HLS paths in one
// headless Chromium: the menu lists Auto, the source and the renditions; choosing one switches
// the picture to its size while playback goes on (the WebSocket path without reloading the
// page's MediaSource), and the page keeps showing its live latency.
// Usage: node play_quality.mjs --url http://127.0.0.1:PORT/c/NAME --rendition 160p --height 160 --out DIR
import path from 'node:path';
import { fail, openBlankOrExit, scriptArgs, round3, sampleWindow, waitForFirstFrame } from './lib.mjs';

const USAGE = 'usage: play_quality.mjs --url URL --rendition NAME --height N --out DIR [--timeout SECONDS]';
const PATHS = [
  ['ws', 'ws'],
  ['hls', 'hls.js'],
];

const args = scriptArgs(USAGE, { options: ['url', 'rendition', 'height'], required: ['url', 'rendition', 'height'] });
const { timeoutMs } = args;
const height = Number(args.height);

const { browser, page, errors } = await openBlankOrExit(timeoutMs);
const results = [];
try {
  for (const [pin, mode] of PATHS) {
    await page.goto(`${args.url}?player=${pin}`, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    await waitForFirstFrame(page, timeoutMs);
    // The menu appears once the master playlist lists more than the source.
    await page.waitForFunction(
      (name) => [...document.querySelectorAll('#quality option')].some((o) => o.value === name),
      args.rendition,
      { timeout: timeoutMs, polling: 200 },
    );
    const options = await page.locator('#quality option').evaluateAll((els) => els.map((e) => e.value));
    const before = await page.evaluate(() => document.querySelector('video').videoHeight);
    await page.selectOption('#quality', args.rendition);
    await page.waitForFunction(
      ({ name, h }) => window.__aethexPlayer?.rendition === name && document.querySelector('video').videoHeight === h,
      { name: args.rendition, h: height },
      { timeout: timeoutMs, polling: 100 },
    );
    const { last, advance } = await sampleWindow(page, { windowMs: 3000 });
    const switches = await page.evaluate(() => window.__aethexPlayer.wsSwitches);
    const shot = path.join(args.out, `quality_${pin}.png`);
    await page.screenshot({ path: shot });
    results.push({
      path: pin,
      mode: last.mode,
      options,
      height_before: before,
      video_size: last.videoSize,
      advance_s: round3(advance),
      latency_s: last.latency === null ? null : round3(last.latency),
      ws_switches: switches,
      ok: last.mode === mode && options[0] === 'auto' && options.includes('source') && before > height &&
        advance > 1.0 && (pin !== 'ws' || switches >= 1) && /\d/.test(last.latencyText ?? ''),
      screenshot: shot,
    });
  }
  const ok = results.every((r) => r.ok);
  const summary = { ok, results, console_errors: errors };
  if (!ok) fail('a quality switch failed', summary);
  else console.log(JSON.stringify(summary));
} catch (e) {
  fail(`${e.message.split('\n')[0]}`, { results, errors });
} finally {
  await browser.close().catch(() => {});
}
