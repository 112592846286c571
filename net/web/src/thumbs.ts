// A VOD's thumbnail strip for scrubbing: /vod/<id>/thumbs.vtt, WebVTT whose cues name a tile of a
// sprite sheet (`strip-0.jpg#xywh=x,y,w,h`, relative to the VTT). Parsing (media-captions reads
// the WebVTT), the tile showing at a time and the tiles along a stretch of the video are pure; a
// VOD without a strip yet (still recording, or not made) answers 404 and gets none.
import { parseText } from 'media-captions';
import type { Span } from './clipRange';

export interface ThumbTile {
  start: number;
  end: number;
  /** The sprite sheet, resolved against the VTT's URL. */
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

// Media fragment spatial dimension, pixels only (https://www.w3.org/TR/media-frags/#naming-space).
const XYWH_RE = /^xywh=(?:pixel:)?(\d+),(\d+),(\d+),(\d+)$/;
// Resolves relative URLs without a document; a result on this origin is returned as a path.
const LOCAL = 'http://local.invalid';

/**
 * `ref` resolved against `base` (a path or URL). The sheets of a signed VOD link need the
 * signature too, so a ref without a query takes the base's.
 */
function resolve(ref: string, base: string): string {
  const b = new URL(base, LOCAL);
  const u = new URL(ref, b);
  if (u.search === '' && u.origin === b.origin) u.search = b.search;
  return u.origin === LOCAL ? `${u.pathname}${u.search}` : u.href;
}

/** The tiles of a thumbs.vtt fetched from `vttUrl`, by start time; cues without `#xywh` are skipped. */
export async function parseThumbsVtt(text: string, vttUrl: string): Promise<ThumbTile[]> {
  const { cues } = await parseText(text, { type: 'vtt' });
  const tiles: ThumbTile[] = [];
  for (const cue of cues) {
    const ref = cue.text.trim().split('\n', 1)[0] ?? '';
    const hash = ref.indexOf('#');
    const m = hash < 0 ? null : XYWH_RE.exec(ref.slice(hash + 1));
    if (!m || cue.endTime <= cue.startTime) continue;
    const [x, y, w, h] = m.slice(1).map(Number) as [number, number, number, number];
    if (w === 0 || h === 0) continue;
    tiles.push({ start: cue.startTime, end: cue.endTime, url: resolve(ref.slice(0, hash), vttUrl), x, y, w, h });
  }
  return tiles.sort((a, b) => a.start - b.start);
}

/**
 * The tile to show at `t`: the last one starting at or before it (so a gap between cues keeps the
 * previous picture), the first before the first cue; null without tiles.
 */
export function tileAt(tiles: readonly ThumbTile[], t: number): ThumbTile | null {
  if (tiles.length === 0) return null;
  let lo = 0;
  let hi = tiles.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (tiles[mid]!.start <= t) lo = mid;
    else hi = mid - 1;
  }
  return tiles[lo]!;
}

/** `count` tiles evenly along `window`, each the one at the middle of its slot. */
export function tilesAlong(tiles: readonly ThumbTile[], window: Span, count: number): ThumbTile[] {
  if (tiles.length === 0 || count <= 0) return [];
  const slot = (window.end - window.start) / count;
  return Array.from({ length: count }, (_, i) => tileAt(tiles, window.start + slot * (i + 0.5))!);
}

/** The strip's VTT beside the VOD's playlist, with the playlist's (signed link) query. */
export function thumbsUrl(hls: string): string {
  return resolve('thumbs.vtt', hls);
}

/** The VOD's tiles; none when it has no strip (404) or it cannot be read. */
export async function fetchThumbs(hls: string, signal?: AbortSignal): Promise<ThumbTile[]> {
  const url = thumbsUrl(hls);
  try {
    const res = await fetch(url, { signal });
    return res.ok ? await parseThumbsVtt(await res.text(), url) : [];
  } catch {
    return [];
  }
}
