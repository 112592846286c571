// REST calls of community moderation (docs/moderation.md); every one needs a moderator's (or
// the broadcaster's, or the admin's) token.
import { request } from '../accountApi';
import {
  parseBans,
  parseLog,
  parseQueue,
  parseRoles,
  parseUnbanRequests,
  parseUserCard,
  type Ban,
  type ChannelRole,
  type HeldItem,
  type LogEntry,
  type Roles,
  type UnbanRequest,
  type UserCard,
} from './model';

const base = (c: string) => `/api/v1/channels/${encodeURIComponent(c)}`;

export async function fetchQueue(token: string, channel: string): Promise<HeldItem[]> {
  return parseQueue(await request('GET', `${base(channel)}/mod/queue`, { token }));
}

export async function reviewHeld(token: string, channel: string, id: number, action: 'approve' | 'deny'): Promise<void> {
  await request('POST', `${base(channel)}/mod/queue/${id}`, { token, body: { action } });
}

export async function fetchModLog(token: string, channel: string, limit = 50): Promise<LogEntry[]> {
  return parseLog(await request('GET', `${base(channel)}/mod/log?limit=${limit}`, { token }));
}

export async function fetchUserCard(token: string, channel: string, user: string): Promise<UserCard> {
  return parseUserCard(await request('GET', `${base(channel)}/mod/users/${encodeURIComponent(user)}`, { token }), user);
}

export async function fetchUnbanRequests(token: string, channel: string): Promise<UnbanRequest[]> {
  return parseUnbanRequests(await request('GET', `${base(channel)}/unban-requests?status=all`, { token }));
}

export async function decideUnban(token: string, channel: string, id: number, action: 'accept' | 'deny'): Promise<void> {
  await request('POST', `${base(channel)}/unban-requests/${id}`, { token, body: { action } });
}

export async function fetchBans(token: string, channel: string): Promise<Ban[]> {
  return parseBans(await request('GET', `${base(channel)}/bans`, { token }));
}

export interface ImportResult {
  imported: number;
  already: number;
  /** Names with no account (skipped by the node). */
  unknown: number;
  /** The broadcaster, or moderators when a moderator imports: never banned. */
  notAllowed: number;
}

/** Bans the list's accounts; answers how many were banned now, already were, or do not exist. */
export async function importBans(token: string, channel: string, bans: { user: string; reason: string }[]): Promise<ImportResult> {
  const body = { bans: bans.map((b) => (b.reason ? b : { user: b.user })) };
  const res = (await request('POST', `${base(channel)}/bans/import`, { token, body })) as Record<string, unknown> | null;
  const n = (v: unknown) => (typeof v === 'number' ? v : Array.isArray(v) ? v.length : 0);
  return { imported: n(res?.imported), already: n(res?.already_banned), unknown: n(res?.unknown_users), notAllowed: n(res?.not_allowed) };
}

export async function unban(token: string, channel: string, user: string): Promise<void> {
  await request('DELETE', `${base(channel)}/bans/${encodeURIComponent(user)}`, { token });
}

export async function fetchRoles(token: string, channel: string): Promise<Roles> {
  return parseRoles(await request('GET', `${base(channel)}/roles`, { token }));
}

export async function setRole(token: string, channel: string, user: string, role: ChannelRole, on: boolean): Promise<void> {
  await request(on ? 'PUT' : 'DELETE', `${base(channel)}/roles/${encodeURIComponent(user)}`, { token, body: { role } });
}

