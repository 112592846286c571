// Small pure formatting helpers.

/** "1:02:03" / "2:03" style uptime from a start time. */
export function formatUptime(startedAtMs: number, nowMs: number): string {
  const total = Math.max(0, Math.floor((nowMs - startedAtMs) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** "1 viewer", "12 viewers", "1.2K viewers", "34K viewers". */
function formatCount(n: number, noun: string): string {
  const v = Math.max(0, Math.floor(n));
  if (v < 1000) return `${v} ${noun}${v === 1 ? '' : 's'}`;
  const k = v < 10_000 ? (v / 1000).toFixed(1).replace(/\.0$/, '') : String(Math.floor(v / 1000));
  return `${k}K ${noun}s`;
}

export function formatViewers(n: number): string {
  return formatCount(n, 'viewer');
}

export function formatFollowers(n: number): string {
  return formatCount(n, 'follower');
}

export function formatViews(n: number): string {
  return formatCount(n, 'view');
}

export function formatLikes(n: number): string {
  return formatCount(n, 'like');
}

/** A VOD's length or a position in it: "1:02:03", "0:02:03" (`hours`), "2:03" (short form). */
export function formatDuration(seconds: number, hours = true): string {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const h = Math.floor(total / 3600);
  const mm = String(Math.floor((total % 3600) / 60));
  const ss = String(total % 60).padStart(2, '0');
  return hours || h > 0 ? `${h}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** A position to the tenth of a second: "0:04.0", "1:02:03.5" (a clip's start and end). */
export function formatTenths(seconds: number): string {
  const tenths = Number.isFinite(seconds) ? Math.max(0, Math.round(seconds * 10)) : 0;
  return `${formatDuration(Math.floor(tenths / 10), false)}.${tenths % 10}`;
}

/**
 * Masks a stream key for display: keeps a known prefix (up to the first '_')
 * and the last 4 characters, e.g. "live_abcdef123456" -> "live_••••••••3456".
 * Short keys are fully masked.
 */
export function maskStreamKey(key: string, visibleTail = 4): string {
  if (key.length === 0) return '';
  const us = key.indexOf('_');
  const prefix = us > 0 && us < 12 ? key.slice(0, us + 1) : '';
  const rest = key.slice(prefix.length);
  if (rest.length <= visibleTail * 2) return prefix + '•'.repeat(rest.length);
  return prefix + '•'.repeat(rest.length - visibleTail) + rest.slice(-visibleTail);
}

/** "just now", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(atMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - atMs) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** A broadcast's day in the reader's locale, e.g. "Dec 3, 2026". */
export function formatDate(atMs: number): string {
  return new Date(atMs).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}
