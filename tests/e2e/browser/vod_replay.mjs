#!/usr/bin/env node
// A past broadcast in headless Chromium: the channel page lists it under Videos, its card leads
// (client-side) to /v/ID, the video is seeked to --seek and plays on from there, the chat replay
// shows at once a message sent before that point (--before-text) and a later one (--after-text,
// sent --after-offset seconds into the video) only once playback reaches it; no line shows
// before its time.
// Usage: node tests/e2e/browser/vod_replay.mjs --url http://127.0.0.1:PORT --channel NAME --vod ID
//          --seek SECONDS --before-text TEXT --after-text TEXT --after-offset SECONDS --out DIR [--timeout 30]
import path from 'node:path';
import { fail, markDocument, openPage, report, round3, sameDocument, scriptArgs } from './lib.mjs';

const USAGE =
  'usage: vod_replay.mjs --url BASE --channel NAME --vod ID --seek S --before-text TEXT --after-text TEXT --after-offset S --out DIR [--timeout SECONDS]';
const MIN_ADVANCE_S = 1.5;
// A line appears on the first timeupdate at or after its offset (4 a second), never before.
const EARLY_TOLERANCE_S = 0.05;

const args = scriptArgs(USAGE, {
  options: ['url', 'channel', 'vod', 'seek', 'before-text', 'after-text', 'after-offset'],
  required: ['url', 'channel', 'vod', 'seek', 'before-text', 'after-text', 'after-offset'],
});
const { timeoutMs } = args;
const seek = Number(args.seek);
const afterOffset = Number(args['after-offset']);
const shot = path.join(args.out, 'vod.png');
const base = args.url.replace(/\/$/, '');

let session;
try {
  session = await openPage(`${base}/c/${encodeURIComponent(args.channel)}`, { timeoutMs });
} catch (e) {
  fail(`could not open the channel page: ${e.message}`);
  process.exit(1);
}
const { browser, page, errors } = session;

const video = () =>
  page.evaluate(() => {
    const v = document.querySelector('#vod-player');
    return v ? { t: v.currentTime, paused: v.paused, readyState: v.readyState, duration: v.duration } : null;
  });
const line = (text) => page.locator('#vod-chat .chat-line', { hasText: text });

let step = 'waiting for the VOD card under Videos';
try {
  const card = page.locator(`#vod-list .vod-card[data-vod="${args.vod}"]`);
  await card.waitFor({ state: 'visible' });
  const cardState = await card.getAttribute('data-state');
  const cardDuration = await card.locator('.vod-duration').textContent();

  step = 'opening the VOD from its card';
  await markDocument(page);
  await card.click();
  await page.waitForURL(`**/v/${args.vod}`);
  const clientSide = await sameDocument(page);
  await page.waitForFunction(() => (document.querySelector('#vod-title')?.textContent ?? '').trim().length > 0);
  const title = (await page.locator('#vod-title').textContent()).trim();

  step = 'waiting for the video to load';
  await page.waitForFunction(
    (s) => {
      const v = document.querySelector('#vod-player');
      return !!v && v.readyState >= 1 && Number.isFinite(v.duration) && v.duration > s;
    },
    seek,
  );

  step = `seeking to ${seek} s`;
  await page.evaluate((s) => {
    const v = document.querySelector('#vod-player');
    v.currentTime = s;
    if (v.paused) void v.play();
  }, seek);
  await page.waitForFunction(() => {
    const v = document.querySelector('#vod-player');
    return !v.seeking && v.readyState >= 2;
  });
  const seekedTo = (await video()).t;

  step = `waiting for the replayed line "${args['before-text']}"`;
  await line(args['before-text']).waitFor({ state: 'visible' });
  const beforeShownAt = (await video()).t;

  // Until the later message shows, sample the position: it must show no earlier than its offset.
  step = `waiting for the replayed line "${args['after-text']}" (${afterOffset} s)`;
  const samples = [];
  let afterShownAt = null;
  const deadline = Date.now() + timeoutMs;
  while (afterShownAt === null && Date.now() < deadline) {
    const shown = (await line(args['after-text']).count()) > 0;
    const v = await video();
    samples.push(round3(v.t));
    if (shown) afterShownAt = v.t;
    else await page.waitForTimeout(100);
  }
  if (afterShownAt === null) throw new Error(`not shown within ${args.timeout} s (video at ${samples[samples.length - 1]} s)`);

  step = 'checking playback and the replayed lines';
  const end = await video();
  const lines = await page.$$eval('#vod-chat .chat-line', (els) =>
    els.map((el) => ({ offset: Number(el.getAttribute('data-offset')), text: el.querySelector('.chat-text')?.textContent ?? '' })),
  );
  const early = lines.filter((l) => l.offset > end.t + EARLY_TOLERANCE_S);
  await page.screenshot({ path: shot });

  const advance = end.t - seekedTo;
  const checks = {
    listed: true,
    client_side: clientSide,
    seeked: Math.abs(seekedTo - seek) < 1.5,
    plays_from_seek: advance > MIN_ADVANCE_S && !end.paused,
    before_line: true,
    after_line_on_time: afterShownAt >= afterOffset - EARLY_TOLERANCE_S,
    none_early: early.length === 0,
  };
  report(
    checks,
    {
      vod: args.vod,
      title,
      card_state: cardState,
      card_duration: cardDuration,
      seek_s: seek,
      seeked_to_s: round3(seekedTo),
      before_shown_at_s: round3(beforeShownAt),
      after_offset_s: afterOffset,
      after_shown_at_s: round3(afterShownAt),
      current_time_s: round3(end.t),
      advance_s: round3(advance),
      duration_s: round3(end.duration),
      current_time_samples: samples,
      lines,
      views_text: await page.locator('#vod-views').textContent(),
      screenshot: shot,
      console_errors: errors,
    },
    errors,
  );
} catch (e) {
  await page.screenshot({ path: shot }).catch(() => {});
  fail(`${step}: ${e.message.split('\n')[0]}`, { url: page.url(), video: await video().catch(() => null), screenshot: shot, errors });
} finally {
  await browser.close().catch(() => {});
}
