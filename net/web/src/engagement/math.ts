// Figures the engagement widgets show: shares in whole percent that add up to 100, prediction
// payout ratios, countdowns. Pure, tested in engagement.test.ts.

/**
 * Whole percentages of `counts` that add up to exactly 100 (largest remainder; ties go to the
 * earlier entry). All zeros while nothing was counted.
 */
export function percentages(counts: readonly number[]): number[] {
  const clean = counts.map((c) => (Number.isFinite(c) && c > 0 ? c : 0));
  const total = clean.reduce((a, b) => a + b, 0);
  if (total <= 0) return clean.map(() => 0);
  const exact = clean.map((c) => (c * 100) / total);
  const floors = exact.map(Math.floor);
  let left = 100 - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]! += 1;
    left--;
  }
  return floors;
}

/**
 * What one point on an outcome pays back when it wins, as Twitch shows it ("1:2.5"): all the
 * points staked over the outcome's points. Null when the outcome has none.
 */
export function payoutRatio(points: readonly number[], outcome: number): number | null {
  const mine = points[outcome] ?? 0;
  if (mine <= 0) return null;
  const total = points.reduce((a, b) => a + Math.max(0, b), 0);
  return total / mine;
}

/** "1:2.5" (two decimals at most, trailing zeros dropped); "–" without a ratio. */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '–';
  return `1:${Number(ratio.toFixed(2))}`;
}

/** What a winning stake of `stake` would get back, rounded down (the server pays whole points). */
export function potentialWin(points: readonly number[], outcome: number, stake: number): number {
  if (stake <= 0) return 0;
  const mine = (points[outcome] ?? 0) + stake;
  const total = points.reduce((a, b) => a + Math.max(0, b), 0) + stake;
  return Math.floor((stake * total) / mine);
}

/** Whole seconds left until `endsAtMs` (rounded up, never negative). */
export function secondsUntil(endsAtMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((endsAtMs - nowMs) / 1000));
}

/** A countdown: "0:09", "4:05", "1:02:03". */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** How far along a goal is, 0–100 (whole percent, 100 once reached). */
export function progressPercent(progress: number, goal: number): number {
  if (!(goal > 0)) return 0;
  return Math.max(0, Math.min(100, Math.floor((progress * 100) / goal)));
}

/** 1234567 -> "1.2M", 12345 -> "12.3K", below 10,000 as is. */
export function formatPoints(n: number): string {
  if (n >= 1_000_000) return `${Number((n / 1_000_000).toFixed(1))}M`;
  if (n >= 10_000) return `${Number((n / 1000).toFixed(1))}K`;
  return String(Math.floor(n));
}
