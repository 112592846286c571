// Typed client for the account and channel-management API (bearer-token authenticated).
import { ApiError } from './api';

type Fetch = typeof fetch;

export interface User {
  username: string;
  display_name: string;
  bio: string;
  avatar_url: string;
  email?: string;
  /** settings.email_notifications: go-lives and reminders also by e-mail (off by default). */
  emailNotifications?: boolean;
}

export interface AuthResult {
  token: string;
  user: User;
}

export interface ManagedChannel {
  name: string;
  title: string;
  category: string;
  tags: string[];
  owner: string;
  live: boolean;
}

export async function request(
  method: string,
  url: string,
  /** `keepalive`: the request outlives the page (a last write while it is being left). */
  opts: { token?: string; body?: unknown; fetchImpl?: Fetch; keepalive?: boolean } = {},
): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await (opts.fetchImpl ?? fetch)(url, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    cache: 'no-store',
    keepalive: opts.keepalive,
  });
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    throw new ApiError(
      res.status,
      typeof err?.code === 'string' ? err.code : `http_${res.status}`,
      typeof err?.message === 'string' ? err.message : `HTTP ${res.status}`,
    );
  }
  return body;
}

function parseUser(v: unknown): User {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o.username !== 'string') throw new ApiError(0, 'bad_response', 'user.username missing');
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  return {
    username: o.username,
    display_name: str(o.display_name),
    bio: str(o.bio),
    avatar_url: str(o.avatar_url),
    email: typeof o.email === 'string' ? o.email : undefined,
    emailNotifications: (o.settings as Record<string, unknown> | undefined)?.email_notifications === true,
  };
}

function parseAuth(v: unknown): AuthResult {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o.token !== 'string') throw new ApiError(0, 'bad_response', 'token missing');
  return { token: o.token, user: parseUser(o.user) };
}

export function parseManagedChannel(v: unknown): ManagedChannel {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o.name !== 'string') throw new ApiError(0, 'bad_response', 'channel.name missing');
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  return {
    name: o.name,
    title: str(o.title),
    category: str(o.category),
    tags: Array.isArray(o.tags) ? o.tags.filter((t): t is string => typeof t === 'string') : [],
    owner: str(o.owner),
    live: o.live === true,
  };
}

/** Splits "a, b ,c" into tags; empty entries dropped. */
export function parseTags(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

export async function signup(username: string, password: string, email?: string): Promise<AuthResult> {
  const body: Record<string, string> = { username, password };
  if (email) body.email = email;
  return parseAuth(await request('POST', '/api/v1/auth/signup', { body }));
}

export async function login(username: string, password: string): Promise<AuthResult> {
  return parseAuth(await request('POST', '/api/v1/auth/login', { body: { username, password } }));
}

export async function logout(token: string): Promise<void> {
  await request('POST', '/api/v1/auth/logout', { token });
}

export async function fetchMe(token: string): Promise<User> {
  return parseUser(await request('GET', '/api/v1/me', { token }));
}

/** Turns notices by e-mail on or off (settings.email_notifications); answers the user. */
export async function setEmailNotifications(token: string, on: boolean): Promise<User> {
  return parseUser(await request('PATCH', '/api/v1/me', { token, body: { settings: { email_notifications: on } } }));
}

export async function createChannel(token: string, name: string, title: string): Promise<string> {
  const body: Record<string, string> = { name };
  if (title) body.title = title;
  const res = (await request('POST', '/api/v1/channels', { token, body })) as { stream_key?: unknown };
  return typeof res?.stream_key === 'string' ? res.stream_key : '';
}

export async function fetchManagedChannel(name: string): Promise<ManagedChannel> {
  return parseManagedChannel(await request('GET', `/api/v1/channels/${encodeURIComponent(name)}`));
}

/** Channels owned by `username`, from the directory (pages through it). */
export async function fetchOwnedChannels(username: string): Promise<ManagedChannel[]> {
  const owned: ManagedChannel[] = [];
  let after = '';
  for (let page = 0; page < 50; page++) {
    const q = `/api/v1/channels?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const res = (await request('GET', q)) as { channels?: unknown; next?: unknown };
    const list = Array.isArray(res?.channels) ? res.channels.map(parseManagedChannel) : [];
    owned.push(...list.filter((c) => c.owner === username));
    if (typeof res?.next !== 'string') break;
    after = res.next;
  }
  return owned;
}

export async function updateChannel(
  token: string,
  name: string,
  change: { title?: string; category?: string; tags?: string[] },
): Promise<ManagedChannel> {
  return parseManagedChannel(
    await request('PATCH', `/api/v1/channels/${encodeURIComponent(name)}`, { token, body: change }),
  );
}

export async function revealStreamKey(token: string, name: string): Promise<string> {
  const res = (await request('GET', `/api/v1/channels/${encodeURIComponent(name)}/stream-key`, { token })) as {
    stream_key?: unknown;
  };
  return typeof res?.stream_key === 'string' ? res.stream_key : '';
}

export async function rotateStreamKey(token: string, name: string): Promise<string> {
  const res = (await request('POST', `/api/v1/channels/${encodeURIComponent(name)}/stream-key`, { token })) as {
    stream_key?: unknown;
  };
  return typeof res?.stream_key === 'string' ? res.stream_key : '';
}
