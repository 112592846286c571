// Chat replay of a VOD: which recorded messages are on screen at playback position t, and which
// window of chat (GET vods/{id}/chat?from_s=&to_s=) to fetch next. Pure: the VOD page feeds it
// the video's currentTime and the server's answers, so prefetching and seeking are unit-tested.
//
// The replay holds the messages of one contiguous span [from_s, to_s) of the video. Playing on
// fetches the next window before the span runs out; a seek out of the span (or so far back that
// the backlog is missing) drops it and starts a new one around the new position, under a new
// epoch so that a late answer for the old span is ignored. What is shown is derived from t:
// every loaded message at or before t, so a seek backwards inside the span hides what is after.

export interface ReplayMessage {
  id: string;
  user: string;
  text: string;
  badges: string[];
  at_ms: number;
  /** Seconds into the video at which it was sent. */
  offset_s: number;
}

export interface ChatWindow {
  from_s: number;
  to_s: number;
  epoch: number;
}

export interface Replay {
  /** In time order, unique ids. */
  messages: ReplayMessage[];
  /** The span loaded; from_s === to_s before the first answer. */
  from_s: number;
  to_s: number;
  /** The window being fetched; one at a time. */
  pending: ChatWindow | null;
  epoch: number;
}

/** Each fetch reaches this far past the position (or the end of the span). */
export const AHEAD_S = 60;
/** After a jump, the chat of the seconds before the position shows at once, as if watched. */
export const BACKLOG_S = 30;
/** The next window is fetched when playback is this close to the end of the span. */
export const PREFETCH_S = 15;
/** Messages further behind the position are dropped (a seek back there refetches). */
export const KEEP_S = 120;
/** As in live chat: older lines leave the panel. */
export const MAX_VISIBLE = 200;

export const initialReplay: Replay = { messages: [], from_s: 0, to_s: 0, pending: null, epoch: 0 };

export function parseReplayMessages(v: unknown): ReplayMessage[] {
  const list = (v as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(list)) return [];
  const out: ReplayMessage[] = [];
  for (const m of list) {
    const o = (m ?? {}) as Record<string, unknown>;
    if ((typeof o.id !== 'number' && typeof o.id !== 'string') || typeof o.user !== 'string' || typeof o.text !== 'string') continue;
    if (typeof o.offset_s !== 'number' || !Number.isFinite(o.offset_s)) continue;
    out.push({
      id: String(o.id),
      user: o.user,
      text: o.text,
      badges: Array.isArray(o.badges) ? o.badges.filter((b): b is string => typeof b === 'string') : [],
      at_ms: typeof o.at_ms === 'number' ? o.at_ms : 0,
      offset_s: o.offset_s,
    });
  }
  return out;
}

/** True when the span (with the window on its way) holds everything shown at t, its backlog included. */
function covers(r: Replay, t: number): boolean {
  return r.from_s <= Math.max(0, t - BACKLOG_S) && t <= (r.pending?.to_s ?? r.to_s);
}

/**
 * The replay at playback position t (call it on every timeupdate and seek) and the window to
 * fetch now, if any. `endS`: the video's length once it is final (null while recording, when
 * chat keeps coming). Returns `r` itself when nothing changes.
 */
export function plan(r: Replay, t: number, endS: number | null): { replay: Replay; fetch: ChatWindow | null } {
  let next = r;
  if (!covers(r, t)) {
    const start = Math.max(0, Math.floor(t - BACKLOG_S));
    next = { messages: [], from_s: start, to_s: start, pending: null, epoch: r.epoch + 1 };
  } else if (t - r.from_s > KEEP_S + AHEAD_S) {
    // Pruned in steps of about a window, not on every timeupdate.
    const from = Math.floor(t - KEEP_S);
    next = { ...r, from_s: from, messages: r.messages.filter((m) => m.offset_s >= from) };
  }
  if (next.pending || next.to_s - t >= PREFETCH_S || (endS !== null && next.to_s >= endS)) return { replay: next, fetch: null };
  const fetch = { from_s: next.to_s, to_s: Math.max(next.to_s, Math.ceil(t)) + AHEAD_S, epoch: next.epoch };
  return { replay: { ...next, pending: fetch }, fetch };
}

const isPending = (r: Replay, w: ChatWindow) =>
  r.pending !== null && r.pending.epoch === w.epoch && r.pending.from_s === w.from_s && r.pending.to_s === w.to_s;

/** Adds the answer for window `w`; an answer for anything but the pending window is dropped. */
export function receive(r: Replay, w: ChatWindow, messages: ReplayMessage[]): Replay {
  if (!isPending(r, w)) return r;
  const known = new Set(r.messages.map((m) => m.id));
  const added: ReplayMessage[] = [];
  for (const m of messages) {
    if (m.offset_s < r.from_s || known.has(m.id)) continue;
    known.add(m.id);
    added.push(m);
  }
  const merged = added.length === 0 ? r.messages : [...r.messages, ...added].sort((a, b) => a.offset_s - b.offset_s);
  return { ...r, messages: merged, to_s: w.to_s, pending: null };
}

/** Window `w` failed: it may be asked again (the caller waits a little first). */
export function release(r: Replay, w: ChatWindow): Replay {
  return isPending(r, w) ? { ...r, pending: null } : r;
}

/** How many loaded messages were sent at or before t (binary search: messages are in time order). */
export function dueCount(r: Replay, t: number): number {
  let lo = 0;
  let hi = r.messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r.messages[mid].offset_s <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The lines on screen when `due` messages are due: the newest MAX_VISIBLE of them. */
export function visibleMessages(r: Replay, due: number): ReplayMessage[] {
  return r.messages.slice(Math.max(0, due - MAX_VISIBLE), due);
}
