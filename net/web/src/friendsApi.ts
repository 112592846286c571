// Typed client for friends and blocks (GET me/friends, users/{user}/friend|block), and the pure
// reducer that keeps the lists current from our own answers and the `friend` frames of the
// "messages" topic.
import { ApiError } from './api';
import { request } from './accountApi';

export interface FriendEntry {
  user: string;
  /** since_ms for friends, at_ms for requests and blocks. */
  at_ms: number;
  /** Friends only: a page of theirs is open somewhere (presence). */
  online?: boolean;
}

export interface FriendLists {
  friends: FriendEntry[];
  incoming: FriendEntry[];
  outgoing: FriendEntry[];
  blocked: FriendEntry[];
}

/** What a POST/DELETE users/{user}/friend answers, and what a `friend` frame says. */
export type FriendState = 'friends' | 'requested' | 'none';

/** Where one user stands with me. */
export type Relation = 'friends' | 'incoming' | 'outgoing' | 'blocked' | 'none';

export const EMPTY_FRIENDS: FriendLists = { friends: [], incoming: [], outgoing: [], blocked: [] };

const userUrl = (user: string, what: 'friend' | 'block') => `/api/v1/users/${encodeURIComponent(user)}/${what}`;

function entries(v: unknown, timeKey: 'since_ms' | 'at_ms'): FriendEntry[] {
  if (!Array.isArray(v)) return [];
  const out: FriendEntry[] = [];
  for (const e of v) {
    if (typeof e !== 'object' || e === null) continue;
    const o = e as Record<string, unknown>;
    if (typeof o.user !== 'string' || o.user === '') continue;
    const t = o[timeKey] ?? o.at_ms ?? o.since_ms;
    const entry: FriendEntry = { user: o.user, at_ms: typeof t === 'number' ? t : 0 };
    if (typeof o.online === 'boolean') entry.online = o.online;
    out.push(entry);
  }
  return out;
}

export function parseFriendLists(v: unknown): FriendLists {
  if (typeof v !== 'object' || v === null || !Array.isArray((v as { friends?: unknown }).friends))
    throw new ApiError(0, 'bad_response', 'friends list missing');
  const o = v as Record<string, unknown>;
  return {
    friends: entries(o.friends, 'since_ms'),
    incoming: entries(o.incoming, 'at_ms'),
    outgoing: entries(o.outgoing, 'at_ms'),
    blocked: entries(o.blocked, 'at_ms'),
  };
}

export function parseFriendState(v: unknown): FriendState | null {
  return v === 'friends' || v === 'requested' || v === 'none' ? v : null;
}

/** `{user, state}` from a friend answer or frame; null when malformed. */
export function parseFriendChange(v: unknown): { user: string; state: FriendState } | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const state = parseFriendState(o.state);
  return typeof o.user === 'string' && o.user !== '' && state ? { user: o.user, state } : null;
}

export function relationOf(lists: FriendLists, user: string): Relation {
  const has = (l: FriendEntry[]) => l.some((e) => e.user === user);
  if (has(lists.blocked)) return 'blocked';
  if (has(lists.friends)) return 'friends';
  if (has(lists.incoming)) return 'incoming';
  if (has(lists.outgoing)) return 'outgoing';
  return 'none';
}

const without = (l: FriendEntry[], user: string) => l.filter((e) => e.user !== user);
const withEntry = (l: FriendEntry[], user: string, at_ms: number) =>
  l.some((e) => e.user === user) ? l : [...l, { user, at_ms }];

/**
 * Folds one friendship change in. `by` says whose move it was: `me` for the answer to my own
 * request (so `requested` is an outgoing request), `them` for a pushed `friend` frame (so
 * `requested` is an incoming one).
 */
export function applyFriendState(lists: FriendLists, user: string, state: FriendState, by: 'me' | 'them', now: number): FriendLists {
  const base = {
    ...lists,
    friends: without(lists.friends, user),
    incoming: without(lists.incoming, user),
    outgoing: without(lists.outgoing, user),
  };
  switch (state) {
    case 'friends': {
      const old = lists.friends.find((e) => e.user === user);
      return { ...base, friends: old ? lists.friends : [...base.friends, { user, at_ms: now }] };
    }
    case 'requested':
      return by === 'me'
        ? { ...base, outgoing: withEntry(lists.outgoing, user, now) }
        : { ...base, incoming: withEntry(lists.incoming, user, now) };
    default:
      return base;
  }
}

/** A `friend_presence` frame: a friend's pages opened somewhere (online) or all closed. */
export function applyPresence(lists: FriendLists, frame: Record<string, unknown>): FriendLists {
  if (typeof frame.user !== 'string' || typeof frame.online !== 'boolean') return lists;
  const { user, online } = frame;
  if (!lists.friends.some((e) => e.user === user)) return lists;
  return { ...lists, friends: lists.friends.map((e) => (e.user === user ? { ...e, online } : e)) };
}

/** Blocking ends the friendship and any requests both ways (assumed to match the server). */
export function applyBlock(lists: FriendLists, user: string, blocked: boolean, now: number): FriendLists {
  if (!blocked) return { ...lists, blocked: without(lists.blocked, user) };
  return { ...applyFriendState(lists, user, 'none', 'me', now), blocked: withEntry(lists.blocked, user, now) };
}

export async function fetchFriends(token: string): Promise<FriendLists> {
  return parseFriendLists(await request('GET', '/api/v1/me/friends', { token }));
}

async function friendCall(method: string, url: string, token: string, fallback: FriendState): Promise<FriendState> {
  const res = parseFriendChange(await request(method, url, { token }));
  return res?.state ?? fallback;
}

/** Asks `user` to be friends (accepts when they asked first): `friends` or `requested`. */
export function addFriend(token: string, user: string): Promise<FriendState> {
  return friendCall('POST', userUrl(user, 'friend'), token, 'requested');
}

export function acceptFriend(token: string, user: string): Promise<FriendState> {
  return friendCall('POST', `/api/v1/me/friends/requests/${encodeURIComponent(user)}/accept`, token, 'friends');
}

/** Removes a friend, cancels my request or declines theirs. */
export function removeFriend(token: string, user: string): Promise<FriendState> {
  return friendCall('DELETE', userUrl(user, 'friend'), token, 'none');
}

export async function setBlocked(token: string, user: string, blocked: boolean): Promise<boolean> {
  const res = (await request(blocked ? 'POST' : 'DELETE', userUrl(user, 'block'), { token })) as { blocked?: unknown } | null;
  return typeof res?.blocked === 'boolean' ? res.blocked : blocked;
}
