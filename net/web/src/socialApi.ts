// Typed client for follows and the notification inbox (docs/api.md, Follows and Notifications).
import { ApiError } from './api';
import { request } from './accountApi';
import type { DirectoryChannel } from './discoveryApi';

/** The signed-in user's follow of one channel, with its notification choices. */
export interface Follow {
  channel: string;
  following: boolean;
  since_ms: number | null;
  /** Notifications on (the bell). */
  notify: boolean;
  /** Notifications also by e-mail. */
  email: boolean;
}

export interface Notification {
  id: string;
  kind: string;
  channel: string;
  title: string;
  at_ms: number;
  read: boolean;
  /** A personal notice's page (a match reminder's tournament); channel notices have none. */
  link?: string;
}

export interface Inbox {
  notifications: Notification[];
  unread: number;
}

const followUrl = (channel: string) => `/api/v1/channels/${encodeURIComponent(channel)}/follow`;

/** A follow state as POST/DELETE/PATCH .../follow answer it, or an entry of /me/following. */
export function parseFollow(v: unknown): Follow {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o.channel !== 'string') throw new ApiError(0, 'bad_response', 'follow.channel missing');
  return {
    channel: o.channel,
    // Entries of /me/following have no `following`: being listed means it.
    following: o.following !== false,
    since_ms: typeof o.since_ms === 'number' ? o.since_ms : null,
    notify: o.notify !== false, // on unless turned off, as on the server
    email: o.email === true,
  };
}

export function parseFollowing(v: unknown): Follow[] {
  const list = (v as { following?: unknown } | null)?.following;
  if (!Array.isArray(list)) throw new ApiError(0, 'bad_response', 'following list missing');
  return list.map(parseFollow);
}

/** One notification from the inbox or a pushed `notification` frame; null when malformed. */
export function parseNotification(v: unknown): Notification | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'string' || typeof o.channel !== 'string') return null;
  return {
    id: o.id,
    kind: typeof o.kind === 'string' ? o.kind : 'live',
    channel: o.channel,
    title: typeof o.title === 'string' ? o.title : '',
    at_ms: typeof o.at_ms === 'number' ? o.at_ms : 0,
    read: o.read === true,
    // Only a local path: a notice never sends the reader off the site.
    ...(typeof o.link === 'string' && o.link.startsWith('/') && !o.link.startsWith('//') ? { link: o.link } : {}),
  };
}

export function parseInbox(v: unknown): Inbox {
  const o = (v ?? {}) as Record<string, unknown>;
  if (!Array.isArray(o.notifications)) throw new ApiError(0, 'bad_response', 'notifications missing');
  const notifications = o.notifications.map(parseNotification).filter((n): n is Notification => n !== null);
  return {
    notifications,
    unread: typeof o.unread === 'number' ? o.unread : notifications.filter((n) => !n.read).length,
  };
}

export async function follow(token: string, channel: string): Promise<Follow> {
  return parseFollow(await request('POST', followUrl(channel), { token }));
}

export async function unfollow(token: string, channel: string): Promise<Follow> {
  return parseFollow(await request('DELETE', followUrl(channel), { token }));
}

export async function updateFollow(token: string, channel: string, change: { notify?: boolean; email?: boolean }): Promise<Follow> {
  return parseFollow(await request('PATCH', followUrl(channel), { token, body: change }));
}

export async function fetchFollowing(token: string): Promise<Follow[]> {
  return parseFollowing(await request('GET', '/api/v1/me/following', { token }));
}

export async function fetchNotifications(token: string, limit?: number): Promise<Inbox> {
  const q = limit === undefined ? '' : `?limit=${limit}`;
  return parseInbox(await request('GET', `/api/v1/me/notifications${q}`, { token }));
}

/** Dispatched on window when one view marked every notification read, so the others follow. */
export const NOTIFICATIONS_READ_EVENT = 'aethex:notifications-read';

export function announceNotificationsRead(): void {
  window.dispatchEvent(new Event(NOTIFICATIONS_READ_EVENT));
}

/** Marks everything up to now read; answers the new mark. */
export async function markNotificationsRead(token: string): Promise<number> {
  const res = (await request('POST', '/api/v1/me/notifications/read', { token })) as { read_up_to_ms?: unknown };
  return typeof res?.read_up_to_ms === 'number' ? res.read_up_to_ms : Date.now();
}

/** Folds a pushed notification into the inbox: once per id, newest first, unread. */
export function addNotification(inbox: Inbox, n: Notification): Inbox {
  if (inbox.notifications.some((x) => x.id === n.id)) return inbox;
  const notifications = [{ ...n, read: false }, ...inbox.notifications].sort((a, b) => b.at_ms - a.at_ms);
  return { notifications, unread: inbox.unread + 1 };
}

/**
 * The inbox as loaded, plus what was pushed meanwhile and is not in it yet (a push may beat the
 * GET that was already on its way).
 */
export function mergeLoaded(current: Inbox, loaded: Inbox): Inbox {
  return current.notifications.reduce(
    (inbox, n) => (n.read ? inbox : addNotification(inbox, n)),
    loaded,
  );
}

export function markAllRead(inbox: Inbox): Inbox {
  return { notifications: inbox.notifications.map((n) => ({ ...n, read: true })), unread: 0 };
}

/**
 * The following page's two parts: followed channels that are live (most viewers first, from the
 * live directory rows) and the rest by name.
 */
export function followingSections(follows: Follow[], live: DirectoryChannel[]): { live: DirectoryChannel[]; offline: string[] } {
  const followed = new Set(follows.map((f) => f.channel));
  const liveRows = live.filter((c) => c.live && followed.has(c.name));
  const liveNames = new Set(liveRows.map((c) => c.name));
  return {
    live: liveRows.sort((a, b) => b.viewers - a.viewers || a.name.localeCompare(b.name)),
    offline: [...followed].filter((n) => !liveNames.has(n)).sort(),
  };
}
