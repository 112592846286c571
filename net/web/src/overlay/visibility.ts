// When an overlay shows something: while it runs, and for a minute after it finished (so the
// stream sees the result), never when idle. Pure, tested in overlay.test.ts.
import type { HypeTrain, Poll, Prediction } from '../engagement/model';

export const OVERLAY_LINGER_MS = 60_000;

export function pollVisible(poll: Poll | null, nowMs: number): boolean {
  if (!poll) return false;
  return poll.state === 'active' || nowMs < (poll.ended_at_ms || poll.ends_at_ms) + OVERLAY_LINGER_MS;
}

/** `finishedAtMs`: when this page saw the prediction resolve or cancel (null: it did not). */
export function predictionVisible(p: Prediction | null, finishedAtMs: number | null, nowMs: number): boolean {
  if (!p) return false;
  if (p.state === 'active' || p.state === 'locked') return true;
  return finishedAtMs !== null && nowMs < finishedAtMs + OVERLAY_LINGER_MS;
}

export function trainVisible(t: HypeTrain | null, nowMs: number): boolean {
  return t !== null && t.state === 'active' && (t.ends_at_ms === 0 || nowMs < t.ends_at_ms);
}
