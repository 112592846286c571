#!/usr/bin/env node
// A clip made in headless Chromium, signed in as the account given: the VOD page's Clip button
// opens the clip editor; dragging its start handle moves the start and shows the preview; the
// start and end inputs then set --start and --end exactly, the title --title, and Create opens
// the clip's page (client-side), which shows the render's progress until the video is there. The
// video plays and lasts --end − --start (± 1 s: a keyframe cut starts on the keyframe before the
// start); Like turns the count to 1; the share field holds the page's URL and the embed code
// its /embed/clip/ID. Screenshots: clip-editor.png (the editor), clip.png (the clip page).
// Usage: node tests/e2e/browser/clip_editor.mjs --url http://127.0.0.1:PORT --vod ID --user NAME
//          --token TOKEN --start S --end S --title TEXT --out DIR [--timeout 60]
import path from 'node:path';
import { fail, launchOrExit, markDocument, newPersonPage, report, round3, sameDocument, scriptArgs } from './lib.mjs';

const USAGE = 'usage: clip_editor.mjs --url BASE --vod ID --user NAME --token TOKEN --start S --end S --title TEXT --out DIR [--timeout SECONDS]';
const DURATION_TOLERANCE_S = 1;
const MIN_PLAYED_S = 1;

const args = scriptArgs(USAGE, {
  options: ['url', 'vod', 'user', 'token', 'start', 'end', 'title'],
  required: ['url', 'vod', 'user', 'token', 'start', 'end', 'title'],
});
const { timeoutMs } = args;
const base = args.url.replace(/\/$/, '');
const start = Number(args.start);
const end = Number(args.end);
const shots = { editor: path.join(args.out, 'clip-editor.png'), clip: path.join(args.out, 'clip.png') };

const browser = await launchOrExit();
const errors = [];
// A VOD without a thumbnail strip yet answers thumbs.vtt with 404: the editor shows a plain bar.
const ignore = /404|thumbs\.vtt/i;
const page = await newPersonPage(browser, {
  name: args.user,
  timeoutMs,
  errors,
  origin: base,
  session: { token: args.token, username: args.user },
  ignore,
});

const editorState = () =>
  page.evaluate(() => ({
    start: document.querySelector('#clip-start')?.value ?? null,
    end: document.querySelector('#clip-end')?.value ?? null,
    handles: [...document.querySelectorAll('#clip-editor .clip-handle')].map((h) => Number(h.getAttribute('aria-valuenow'))),
    tiles: Number(document.querySelector('#clip-strip')?.getAttribute('data-tiles') ?? -1),
    length: document.querySelector('#clip-length')?.textContent ?? '',
  }));
const clipVideo = () =>
  page.evaluate(() => {
    const v = document.querySelector('#clip-video');
    return v ? { t: v.currentTime, paused: v.paused, readyState: v.readyState, duration: v.duration, src: v.currentSrc } : null;
  });

let step = 'opening the VOD page';
try {
  await page.goto(`${base}/v/${encodeURIComponent(args.vod)}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => {
    const v = document.querySelector('#vod-player');
    return !!v && v.readyState >= 1 && Number.isFinite(v.duration);
  });

  step = 'opening the clip editor';
  await page.click('#clip-button');
  await page.locator('#clip-editor').waitFor({ state: 'visible' });
  const opened = await editorState();

  // A drag of the start handle a fifth of the bar to the right: the start follows, the preview shows.
  step = 'dragging the start handle';
  await page.locator('#clip-editor').scrollIntoViewIfNeeded();
  const bar = await page.locator('#clip-editor .clip-bar').boundingBox();
  const handle = await page.locator('#clip-editor .clip-handle[data-edge="start"]').boundingBox();
  const hx = handle.x + handle.width / 2;
  const hy = handle.y + handle.height / 2;
  await page.mouse.move(hx, hy);
  await page.mouse.down();
  await page.mouse.move(hx + bar.width / 10, hy, { steps: 4 });
  await page.mouse.move(hx + bar.width / 5, hy, { steps: 4 });
  const previewShown = await page.locator('#clip-editor .clip-preview').isVisible();
  await page.mouse.up();
  const dragged = await editorState();

  step = `setting the range ${start}–${end} s`;
  await page.fill('#clip-start', String(start));
  await page.fill('#clip-end', String(end));
  await page.fill('#clip-title', args.title);
  await page.locator('#clip-title').blur();
  const set = await editorState();
  await page.screenshot({ path: shots.editor });

  step = 'creating the clip';
  await markDocument(page);
  await page.click('#clip-create');
  await page.waitForURL(/\/clip\/[0-9a-f]+$/);
  const clipId = new URL(page.url()).pathname.split('/').pop();
  const clientSide = await sameDocument(page);
  // The render may finish before the first read: the progress bar is seen only when it is slower.
  const progressSeen = await page
    .locator('#clip-progress')
    .waitFor({ state: 'visible', timeout: 3000 })
    .then(() => true)
    .catch(() => false);

  step = 'waiting for the rendered clip to play';
  await page.waitForFunction(
    () => {
      const v = document.querySelector('#clip-video');
      return !!v && v.readyState >= 2 && Number.isFinite(v.duration) && !v.paused && v.currentTime > 0;
    },
    null,
    { timeout: timeoutMs },
  );
  const heading = (await page.locator('#clip-heading').textContent()).trim();

  step = 'liking the clip';
  await page.click('#clip-like');
  await page.locator('#clip-likes[data-likes="1"]').waitFor();
  const likedPressed = await page.getAttribute('#clip-like', 'aria-pressed');
  const likesText = (await page.locator('#clip-likes').textContent()).trim();

  step = 'checking playback';
  await page.waitForFunction((s) => (document.querySelector('#clip-video')?.currentTime ?? 0) >= s, MIN_PLAYED_S);
  const video = await clipVideo();
  const share = await page.inputValue('#clip-share');
  const embed = await page.inputValue('#clip-embed');
  await page.screenshot({ path: shots.clip, fullPage: true });

  const wanted = end - start;
  const checks = {
    editor_opened: opened.handles.length === 2,
    drag_moved_start: dragged.handles[0] > opened.handles[0],
    drag_preview: previewShown,
    range_set: Number(set.start) === start && Number(set.end) === end && set.handles[0] === start && set.handles[1] === end,
    client_side: clientSide,
    title: heading === args.title,
    plays: !video.paused && video.t >= MIN_PLAYED_S,
    duration: Math.abs(video.duration - wanted) <= DURATION_TOLERANCE_S,
    src: video.src === `${base}/clips/${clipId}.mp4`,
    liked: likedPressed === 'true' && likesText === '1 like',
    share: share === `${base}/clip/${clipId}`,
    embed: embed.includes(`src="${base}/embed/clip/${clipId}"`),
  };
  report(
    checks,
    {
      clip: clipId,
      opened,
      dragged,
      set,
      progress_seen: progressSeen,
      duration_s: round3(video.duration),
      current_time_s: round3(video.t),
      likes: likesText,
      share,
      embed,
      screenshots: shots,
      console_errors: errors,
    },
    errors,
  );
} catch (e) {
  await page.screenshot({ path: path.join(args.out, 'clip_failure.png') }).catch(() => {});
  fail(`${step}: ${e.message.split('\n')[0]}`, { url: page.url(), video: await clipVideo().catch(() => null), errors });
} finally {
  await browser.close().catch(() => {});
}
