import { describe, expect, it } from 'vitest';
import { clipPath, embedSnippet, parseClip, parseClipList } from './clipApi';
import { CLIP_MAX_S, CLIP_MIN_S, WINDOW_S, defaultRange, fractionOf, moveEdge, moveRange, rangeLength, timeAt, timelineWindow } from './clipRange';
import { parseThumbsVtt, thumbsUrl, tileAt, tilesAlong } from './thumbs';

const row = {
  id: '3f09a1c2b4d5',
  vod: '0123456789ab',
  channel: 'alice',
  creator: 'bob',
  title: 'The last half minute',
  state: 'ready',
  progress: 100,
  error: '',
  start_s: 88,
  duration_s: 31.5,
  bytes: 1843200,
  exact: false,
  live: false,
  keyframe_start: true,
  likes: 12,
  views: 340,
  created_at_ms: 1764633690000,
  url: '/clips/3f09a1c2b4d5.mp4',
  page: '/clip/3f09a1c2b4d5',
  embed: '/embed/clip/3f09a1c2b4d5',
};

describe('clip parsing', () => {
  it('reads a ready clip', () => {
    const c = parseClip(row);
    expect(c.state).toBe('ready');
    expect(c.url).toBe('/clips/3f09a1c2b4d5.mp4');
    expect(c.duration_s).toBe(31.5);
    expect(c.liked).toBeUndefined();
  });

  it('has no file until ready, and keeps the failure', () => {
    const rendering = parseClip({ ...row, state: 'rendering', progress: 40, url: null });
    expect(rendering).toMatchObject({ state: 'rendering', progress: 40, url: null });
    const failed = parseClip({ ...row, state: 'failed', error: 'no keyframe', url: '/x.mp4' });
    expect(failed).toMatchObject({ state: 'failed', error: 'no keyframe', url: null });
  });

  it('fills what a sparse answer leaves out, and rejects one without an id', () => {
    const c = parseClip({ id: 'abc', liked: true });
    expect(c).toMatchObject({ state: 'rendering', progress: 0, page: '/clip/abc', embed: '/embed/clip/abc', liked: true });
    expect(() => parseClip({ title: 'x' })).toThrow();
    expect(parseClipList({ clips: [row] })).toHaveLength(1);
    expect(() => parseClipList({})).toThrow();
  });

  it('builds the page path and the embed snippet', () => {
    expect(clipPath('3f09a1c2b4d5')).toBe('/clip/3f09a1c2b4d5');
    const snippet = embedSnippet('https://live.example', { embed: '/embed/clip/3f09a1c2b4d5', title: 'A "big" <win>' });
    expect(snippet).toContain('src="https://live.example/embed/clip/3f09a1c2b4d5"');
    expect(snippet).toContain('title="A &#34;big&#34; &#60;win&#62;"');
    expect(snippet).toMatch(/^<iframe .*><\/iframe>$/);
  });
});

describe('clip range', () => {
  it('opens on the 30 s ending at the position, moved into the video', () => {
    expect(defaultRange(100, 600)).toEqual({ start: 70, end: 100 });
    expect(defaultRange(10, 600)).toEqual({ start: 0, end: 30 });
    expect(defaultRange(599.99, 599.97)).toEqual({ start: 569.9, end: 599.9 });
    expect(defaultRange(0, 20)).toEqual({ start: 0, end: 20 });
    expect(defaultRange(3, 4.9)).toBeNull();
    expect(defaultRange(0, Number.NaN)).toBeNull();
  });

  it('moves an edge within 5–60 s and inside the video', () => {
    const r = { start: 0, end: 20 };
    expect(moveEdge(r, 'start', 4, 20)).toEqual({ start: 4, end: 20 });
    expect(moveEdge({ start: 4, end: 20 }, 'end', 14, 20)).toEqual({ start: 4, end: 14 });
    // Too short: the moved edge stops CLIP_MIN_S from the other.
    expect(moveEdge(r, 'start', 19, 20)).toEqual({ start: 20 - CLIP_MIN_S, end: 20 });
    expect(moveEdge({ start: 4, end: 20 }, 'end', 1, 20)).toEqual({ start: 4, end: 4 + CLIP_MIN_S });
    // Too long, or out of the video.
    expect(moveEdge({ start: 100, end: 130 }, 'start', 10, 600)).toEqual({ start: 130 - CLIP_MAX_S, end: 130 });
    expect(moveEdge({ start: 100, end: 130 }, 'end', 500, 600)).toEqual({ start: 100, end: 100 + CLIP_MAX_S });
    expect(moveEdge({ start: 30, end: 50 }, 'start', -5, 600)).toEqual({ start: 0, end: 50 });
    expect(moveEdge({ start: 0, end: 15 }, 'end', 30, 20.05)).toEqual({ start: 0, end: 20 });
    // Tenths of a second.
    expect(moveEdge({ start: 0, end: 20 }, 'start', 4.04, 20)).toEqual({ start: 4, end: 20 });
  });

  it('moves the whole range, keeping its length', () => {
    expect(moveRange({ start: 10, end: 20 }, 50, 600)).toEqual({ start: 50, end: 60 });
    expect(moveRange({ start: 10, end: 20 }, 595, 600)).toEqual({ start: 590, end: 600 });
    expect(moveRange({ start: 10, end: 20 }, -3, 600)).toEqual({ start: 0, end: 10 });
    expect(rangeLength({ start: 4.1, end: 14.3 })).toBe(10.2);
  });

  it('shows a short video whole and a long one around the range', () => {
    expect(timelineWindow({ start: 4, end: 14 }, 20)).toEqual({ start: 0, end: 20 });
    const w = timelineWindow({ start: 1000, end: 1030 }, 3600);
    expect(w).toEqual({ start: 1015 - WINDOW_S / 2, end: 1015 + WINDOW_S / 2 });
    // Kept while the range stays well inside it, re-centred near its edge.
    expect(timelineWindow({ start: 1010, end: 1040 }, 3600, w)).toBe(w);
    expect(timelineWindow({ start: 1060, end: 1100 }, 3600, w)).toEqual({ start: 990, end: 1170 });
    // At the video's ends the window stays put.
    expect(timelineWindow({ start: 0, end: 10 }, 3600)).toEqual({ start: 0, end: WINDOW_S });
    expect(timelineWindow({ start: 3590, end: 3600 }, 3600)).toEqual({ start: 3600 - WINDOW_S, end: 3600 });
  });

  it('maps times and fractions along the window', () => {
    const w = { start: 100, end: 280 };
    expect(fractionOf(190, w)).toBe(0.5);
    expect(fractionOf(50, w)).toBe(0);
    expect(timeAt(0.25, w)).toBe(145);
    expect(timeAt(2, w)).toBe(280);
  });
});

const VTT = `WEBVTT

NOTE made by the thumbnailer

00:00:00.000 --> 00:00:05.000
strip-0.jpg#xywh=0,0,160,90

00:00:05.000 --> 00:00:10.000
strip-0.jpg#xywh=160,0,160,90

cue-3
00:00:10.000 --> 00:00:15.000
strip-1.jpg#xywh=pixel:0,90,160,90

00:00:15.000 --> 00:00:20.000
poster.jpg

00:01:00.000 --> 00:01:05.000
https://cdn.example/s.jpg#xywh=0,0,160,90
`;

describe('thumbnail strip', () => {
  it('parses #xywh cues, resolving the sheets against the VTT (and its signed query)', async () => {
    const tiles = await parseThumbsVtt(VTT, '/vod/0123456789ab/thumbs.vtt?exp=9&sig=ab');
    expect(tiles).toHaveLength(4);
    expect(tiles[0]).toEqual({ start: 0, end: 5, url: '/vod/0123456789ab/strip-0.jpg?exp=9&sig=ab', x: 0, y: 0, w: 160, h: 90 });
    expect(tiles[1]).toMatchObject({ start: 5, x: 160, y: 0 });
    expect(tiles[2]).toMatchObject({ start: 10, url: '/vod/0123456789ab/strip-1.jpg?exp=9&sig=ab', y: 90 });
    expect(tiles[3]).toMatchObject({ start: 60, url: 'https://cdn.example/s.jpg' });
  });

  it('reads nothing from a file that is not WebVTT', async () => {
    expect(await parseThumbsVtt('<html>not found</html>', '/vod/x/thumbs.vtt')).toEqual([]);
  });

  it('finds the tile showing at a time', async () => {
    const tiles = await parseThumbsVtt(VTT, '/vod/v/thumbs.vtt');
    expect(tileAt(tiles, 0)?.x).toBe(0);
    expect(tileAt(tiles, 4.99)?.x).toBe(0);
    expect(tileAt(tiles, 5)?.x).toBe(160);
    expect(tileAt(tiles, 12)?.y).toBe(90);
    // A gap keeps the previous picture; before the first cue, the first.
    expect(tileAt(tiles, 30)?.start).toBe(10);
    expect(tileAt(tiles, 100)?.start).toBe(60);
    expect(tileAt(tiles, -1)?.start).toBe(0);
    expect(tileAt([], 3)).toBeNull();
  });

  it('lays tiles along a stretch of the video', async () => {
    const tiles = await parseThumbsVtt(VTT, '/vod/v/thumbs.vtt');
    expect(tilesAlong(tiles, { start: 0, end: 15 }, 3).map((t) => t.start)).toEqual([0, 5, 10]);
    expect(tilesAlong(tiles, { start: 0, end: 15 }, 0)).toEqual([]);
    expect(tilesAlong([], { start: 0, end: 15 }, 3)).toEqual([]);
  });

  it('finds the VTT beside the playlist', () => {
    expect(thumbsUrl('/vod/0123456789ab/index.m3u8')).toBe('/vod/0123456789ab/thumbs.vtt');
    expect(thumbsUrl('/vod/0123456789ab/index.m3u8?exp=9&sig=ab')).toBe('/vod/0123456789ab/thumbs.vtt?exp=9&sig=ab');
  });
});
