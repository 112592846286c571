// The clip editor's range over a video, as pure functions: the default range, moving one edge or
// the whole range within the 5–60 s the server accepts and inside [0, duration], and the stretch
// of the video the range bar shows. Times are kept to tenths of a second (what the inputs show).

export const CLIP_MIN_S = 5;
export const CLIP_MAX_S = 60;
export const CLIP_DEFAULT_S = 30;
/** A longer video shows this much of itself around the range, so a handle moves in fine steps. */
export const WINDOW_S = 180;
/** A range closer than this share of the window to its edge re-centres the window. */
const WINDOW_MARGIN = 0.1;

export interface Span {
  start: number;
  end: number;
}

export type Edge = 'start' | 'end';

const tenth = (t: number) => Math.round(t * 10) / 10;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
// Rounded down, so a range never ends past the recording.
const lastTenth = (duration: number) => Math.floor(duration * 10) / 10;

/**
 * The range an editor opens with: CLIP_DEFAULT_S (or the whole video when shorter) ending at
 * `position`, moved to fit the video; null when the video is shorter than a clip can be.
 */
export function defaultRange(position: number, duration: number): Span | null {
  const d = lastTenth(duration);
  if (!(d >= CLIP_MIN_S)) return null;
  const length = Math.min(CLIP_DEFAULT_S, d);
  const end = clamp(tenth(position), length, d);
  return { start: tenth(end - length), end };
}

/**
 * The range with one edge moved towards `t`: that edge stops where the range would be shorter
 * than CLIP_MIN_S, longer than CLIP_MAX_S or leave [0, duration]; the other edge stays.
 */
export function moveEdge(range: Span, edge: Edge, t: number, duration: number): Span {
  const d = lastTenth(duration);
  if (edge === 'start') {
    const start = clamp(tenth(t), Math.max(0, tenth(range.end - CLIP_MAX_S)), tenth(range.end - CLIP_MIN_S));
    return { start, end: range.end };
  }
  const end = clamp(tenth(t), tenth(range.start + CLIP_MIN_S), Math.min(d, tenth(range.start + CLIP_MAX_S)));
  return { start: range.start, end };
}

/** The range, same length, starting at `start` as far as the video allows. */
export function moveRange(range: Span, start: number, duration: number): Span {
  const length = tenth(range.end - range.start);
  const s = clamp(tenth(start), 0, Math.max(0, tenth(lastTenth(duration) - length)));
  return { start: s, end: tenth(s + length) };
}

/** The clip's length in seconds as the server is asked for it. */
export function rangeLength(range: Span): number {
  return tenth(range.end - range.start);
}

/**
 * The part of the video the range bar shows: all of a video up to WINDOW_S long, else WINDOW_S
 * around the range. `current` is kept while the range sits well inside it, so the bar holds
 * still as the range is edited and re-centres only when the range nears (or leaves) its edge.
 */
export function timelineWindow(range: Span, duration: number, current: Span | null = null): Span {
  if (duration <= WINDOW_S) return { start: 0, end: Math.max(0, duration) };
  if (current && current.end - current.start === WINDOW_S) {
    const margin = WINDOW_S * WINDOW_MARGIN;
    const roomBefore = current.start === 0 || range.start >= current.start + margin;
    const roomAfter = current.end >= duration || range.end <= current.end - margin;
    if (range.start >= current.start && range.end <= current.end && roomBefore && roomAfter) return current;
  }
  const start = clamp((range.start + range.end) / 2 - WINDOW_S / 2, 0, duration - WINDOW_S);
  return { start, end: start + WINDOW_S };
}

/** Where `t` is along the window, 0..1. */
export function fractionOf(t: number, window: Span): number {
  const length = window.end - window.start;
  return length > 0 ? clamp((t - window.start) / length, 0, 1) : 0;
}

/** The time at `fraction` (0..1, clamped) along the window. */
export function timeAt(fraction: number, window: Span): number {
  return window.start + clamp(fraction, 0, 1) * (window.end - window.start);
}
