// Typed client for direct messages (me/dms...), and the pure logic that merges the thread list
// and a conversation with the `dm` frames of the "messages" topic.
import { ApiError } from './api';
import { request } from './accountApi';

export interface DmMessage {
  /** Increasing per thread. */
  id: number;
  from: string;
  /** Present on sent messages and pushed frames; thread pages leave it out. */
  to?: string;
  text: string;
  at_ms: number;
}

export interface DmThread {
  with: string;
  last: DmMessage | null;
  unread: number;
}

export interface DmThreads {
  /** Newest thread first. */
  threads: DmThread[];
  unread: number;
}

export const EMPTY_THREADS: DmThreads = { threads: [], unread: 0 };
export const DM_MAX_CHARS = 500;
export const DM_PAGE_SIZE = 50;

const dmUrl = (user: string) => `/api/v1/me/dms/${encodeURIComponent(user)}`;

export function parseDmMessage(v: unknown): DmMessage | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'number' || typeof o.from !== 'string' || typeof o.text !== 'string') return null;
  const m: DmMessage = { id: o.id, from: o.from, text: o.text, at_ms: typeof o.at_ms === 'number' ? o.at_ms : 0 };
  if (typeof o.to === 'string') m.to = o.to;
  return m;
}

export function parseDmThreads(v: unknown): DmThreads {
  const list = (v as { threads?: unknown } | null)?.threads;
  if (!Array.isArray(list)) throw new ApiError(0, 'bad_response', 'threads missing');
  const threads: DmThread[] = [];
  for (const t of list) {
    if (typeof t !== 'object' || t === null) continue;
    const o = t as Record<string, unknown>;
    if (typeof o.with !== 'string' || o.with === '') continue;
    threads.push({ with: o.with, last: parseDmMessage(o.last), unread: typeof o.unread === 'number' && o.unread > 0 ? o.unread : 0 });
  }
  return withTotal(sortThreads(threads));
}

export function parseConversation(v: unknown): DmMessage[] {
  const list = (v as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(list)) throw new ApiError(0, 'bad_response', 'messages missing');
  return mergeMessages([], list.map(parseDmMessage).filter((m): m is DmMessage => m !== null));
}

/** The other participant of a message as seen by `me`; null when it cannot be told. */
export function otherParty(m: DmMessage, me: string): string | null {
  if (m.from !== me) return m.from;
  return m.to ?? null;
}

function sortThreads(threads: DmThread[]): DmThread[] {
  return [...threads].sort((a, b) => (b.last?.at_ms ?? 0) - (a.last?.at_ms ?? 0));
}

function withTotal(threads: DmThread[]): DmThreads {
  return { threads, unread: threads.reduce((n, t) => n + t.unread, 0) };
}

/**
 * Folds a message (pushed, or one I sent) into the thread list: its thread moves to the top with
 * it as `last`, and one from the other side counts unread unless that conversation is open.
 * A message not newer than the thread's last (a repeat, or one the load already had) changes
 * nothing.
 */
export function applyDm(state: DmThreads, m: DmMessage, me: string, openWith: string | null): DmThreads {
  const other = otherParty(m, me);
  if (other === null) return state;
  const old = state.threads.find((t) => t.with === other);
  if (old?.last && old.last.id >= m.id) return state;
  const fresh = m.from !== me && other !== openWith;
  const thread: DmThread = { with: other, last: m, unread: (old?.unread ?? 0) + (fresh ? 1 : 0) };
  return withTotal([thread, ...state.threads.filter((t) => t !== old)]);
}

/** The conversation with `user` was opened (and marked read). */
export function markThreadRead(state: DmThreads, user: string): DmThreads {
  if (!state.threads.some((t) => t.with === user && t.unread > 0)) return state;
  return withTotal(state.threads.map((t) => (t.with === user ? { ...t, unread: 0 } : t)));
}

/**
 * The thread list as loaded, plus what was pushed meanwhile and is not in it yet (a push may beat
 * the GET that was already on its way): a newer `last` wins, with the larger unread count.
 */
export function mergeThreads(current: DmThreads, loaded: DmThreads): DmThreads {
  const byUser = new Map(loaded.threads.map((t) => [t.with, t]));
  for (const t of current.threads) {
    const l = byUser.get(t.with);
    if (!l) byUser.set(t.with, t);
    else if (t.last && (!l.last || t.last.id > l.last.id)) byUser.set(t.with, { ...t, unread: Math.max(t.unread, l.unread) });
  }
  return withTotal(sortThreads([...byUser.values()]));
}

/** Messages by id, oldest first, each once (a later copy replaces an earlier one). */
export function mergeMessages(a: DmMessage[], b: DmMessage[]): DmMessage[] {
  const byId = new Map<number, DmMessage>();
  for (const m of [...a, ...b]) byId.set(m.id, m);
  return [...byId.values()].sort((x, y) => x.id - y.id);
}

/** True when a message belongs to the conversation between `me` and `other`. */
export function inConversation(m: DmMessage, me: string, other: string): boolean {
  return otherParty(m, me) === other && (m.from === me || m.from === other);
}

/** A draft's problem before sending, or null: 1..500 characters (code points). */
export function draftProblem(text: string): string | null {
  const n = [...text.trim()].length;
  if (n === 0) return 'Write something first.';
  if (n > DM_MAX_CHARS) return `Messages are at most ${DM_MAX_CHARS} characters.`;
  return null;
}

/** The text for an API error on sending. */
export function sendErrorText(e: unknown): string {
  if (!(e instanceof ApiError)) return 'Could not reach the server.';
  if (e.status === 403) return "You can't message this user.";
  if (e.status === 429) return 'Slow down: wait a moment before sending again.';
  return e.message;
}

export async function fetchDmThreads(token: string): Promise<DmThreads> {
  return parseDmThreads(await request('GET', '/api/v1/me/dms', { token }));
}

export async function fetchConversation(token: string, user: string, before?: number, limit = DM_PAGE_SIZE): Promise<DmMessage[]> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (before !== undefined) q.set('before', String(before));
  return parseConversation(await request('GET', `${dmUrl(user)}?${q.toString()}`, { token }));
}

export async function sendDm(token: string, user: string, text: string): Promise<DmMessage> {
  const m = parseDmMessage(await request('POST', dmUrl(user), { token, body: { text } }));
  if (!m) throw new ApiError(0, 'bad_response', 'message missing');
  return m;
}

export async function markDmRead(token: string, user: string, upTo?: number): Promise<number | null> {
  const body = upTo === undefined ? {} : { up_to: upTo };
  const res = (await request('POST', `${dmUrl(user)}/read`, { token, body })) as { read_up_to?: unknown } | null;
  return typeof res?.read_up_to === 'number' ? res.read_up_to : null;
}
