// Live latency of the WebSocket path: the server sends, on a keyframe every few seconds, the
// media time `t` of a fragment and the wall-clock time `wall` (ms) at which its first frame was
// live at the server; one sample holds until the next (both clocks run at the same rate).

export interface ClockSample {
  t: number;
  wall: number;
}

/** Seconds between "live" and the frame at `currentTime`, or null without a clock sample. */
export function wsLatencySeconds(clock: ClockSample | null, currentTime: number, nowMs: number): number | null {
  if (!clock) return null;
  const shownWallMs = clock.wall + (currentTime - clock.t) * 1000;
  return Math.max(0, (nowMs - shownWallMs) / 1000);
}

/** "0.6 s" style label. */
export function formatLatency(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
}
