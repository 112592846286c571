// Pure shaping for the dashboard's charts: API series into uPlot's aligned columns (x in
// seconds since the epoch, as uPlot's time scale wants), per-minute rates, cumulative growth,
// and the stream-health warnings the graphs flag.
import type uPlot from 'uplot';
import type { HealthSample, HealthWarning, HealthWarningKind, SeriesPoint } from './analyticsApi';

export type AlignedData = uPlot.AlignedData;

/** A keyframe interval longer than this (ms) is flagged: players start late and clips cut badly. */
export const KEYFRAME_WARN_MS = 4000;
/** A sample under this share of the recent median bitrate is a drop. */
export const BITRATE_DROP_RATIO = 0.5;
/** How many earlier samples (5 s apart) the median looks at. */
export const BITRATE_WINDOW = 12;
/** Below this median (kbit/s) a low bitrate is no drop worth flagging (a still picture, a slide). */
export const BITRATE_FLOOR_KBPS = 200;

const BUCKET_MINUTES: Record<string, number> = { minute: 1, hour: 60, day: 1440 };

/** `[xs, ys...]`: one column per field, x in seconds; points sorted by time. */
export function toColumns<T extends { t: number }>(points: readonly T[], fields: readonly ((p: T) => number)[]): AlignedData {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  return [sorted.map((p) => p.t / 1000), ...fields.map((f) => sorted.map(f))] as AlignedData;
}

/** Chat messages per minute from buckets of `bucket` size. */
export function chatPerMinute(series: readonly SeriesPoint[], bucket: string): AlignedData {
  const minutes = BUCKET_MINUTES[bucket] ?? 1;
  return toColumns(series, [(p) => round2(p.chat_messages / minutes)]);
}

/** Watch time per bucket, in hours. */
export function watchHours(series: readonly SeriesPoint[]): AlignedData {
  return toColumns(series, [(p) => round2(p.watch_s / 3600)]);
}

/** Followers gained since the range's start, bucket by bucket. */
export function followerGrowth(series: readonly SeriesPoint[]): AlignedData {
  let sum = 0;
  const sorted = [...series].sort((a, b) => a.t - b.t);
  return [sorted.map((p) => p.t / 1000), sorted.map((p) => (sum += p.new_followers))] as AlignedData;
}

/** The health history's three graphs: bitrate (kbit/s), frame rate, keyframe interval (s). */
export function healthColumns(samples: readonly HealthSample[]): { bitrate: AlignedData; fps: AlignedData; keyframe: AlignedData; viewers: AlignedData } {
  return {
    bitrate: toColumns(samples, [(s) => s.bitrate_kbps]),
    fps: toColumns(samples, [(s) => round2(s.fps)]),
    keyframe: toColumns(samples, [(s) => round2(s.keyframe_interval_ms / 1000)]),
    viewers: toColumns(samples, [(s) => s.viewers]),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Warnings read off the samples (when the node gives none: samples this page collected): a
 * keyframe interval over 4 s, a bitrate under half the median of the minute before (when that
 * is at least 200 kbit/s), frames dropped since the previous sample (the counter grows).
 */
export function detectWarnings(samples: readonly HealthSample[]): HealthWarning[] {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const out: HealthWarning[] = [];
  sorted.forEach((s, i) => {
    if (s.keyframe_interval_ms > KEYFRAME_WARN_MS)
      out.push({ t: s.t, kind: 'keyframe_interval', message: `Keyframe interval ${(s.keyframe_interval_ms / 1000).toFixed(1)} s (set it to 2 s or less)` });
    const before = sorted.slice(Math.max(0, i - BITRATE_WINDOW), i).map((p) => p.bitrate_kbps);
    if (before.length >= 3) {
      const m = median(before);
      if (m >= BITRATE_FLOOR_KBPS && s.bitrate_kbps < m * BITRATE_DROP_RATIO)
        out.push({ t: s.t, kind: 'bitrate_drop', message: `Bitrate dropped to ${Math.round(s.bitrate_kbps)} kbit/s (from about ${Math.round(m)})` });
    }
    const prev = sorted[i - 1];
    if (prev && s.dropped_frames > prev.dropped_frames)
      out.push({ t: s.t, kind: 'dropped_frames', message: `${s.dropped_frames - prev.dropped_frames} frames dropped` });
  });
  return out;
}

/** The latest warning of each kind from the server's and the samples' lists, newest first. */
export function latestWarnings(...lists: readonly (readonly HealthWarning[])[]): HealthWarning[] {
  const latest = new Map<HealthWarningKind, HealthWarning>();
  for (const w of lists.flat()) {
    const known = latest.get(w.kind);
    if (!known || w.t > known.t) latest.set(w.kind, w);
  }
  return [...latest.values()].sort((a, b) => b.t - a.t);
}

/** Number of points in a chart's data (its x column). */
export function pointCount(data: AlignedData): number {
  return data[0]?.length ?? 0;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
