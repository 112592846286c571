// Typed client for the node's public channel API.

export interface Channel {
  name: string;
  title: string;
  live: boolean;
  hls: string;
  started_at_ms: number | null;
  viewers: number;
  /** null when the follows read model cannot answer. */
  followers: number | null;
  /** The owner's username (the channel name for user channels); absent when not given. */
  owner?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Fetch = typeof fetch;

export async function getJson(url: string, fetchImpl: Fetch, signal?: AbortSignal): Promise<unknown> {
  const res = await fetchImpl(url, { signal, headers: { Accept: 'application/json' }, cache: 'no-store' });
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof err?.code === 'string' ? err.code : `http_${res.status}`;
    const message = typeof err?.message === 'string' ? err.message : `HTTP ${res.status}`;
    throw new ApiError(res.status, code, message);
  }
  return body;
}

/** Validates and normalises one channel object from the API. */
export function parseChannel(v: unknown): Channel {
  if (typeof v !== 'object' || v === null) throw new ApiError(0, 'bad_response', 'channel is not an object');
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string') throw new ApiError(0, 'bad_response', 'channel.name missing');
  return {
    name: o.name,
    title: typeof o.title === 'string' ? o.title : '',
    live: o.live === true,
    hls: typeof o.hls === 'string' ? o.hls : `/hls/${encodeURIComponent(o.name)}/index.m3u8`,
    started_at_ms: typeof o.started_at_ms === 'number' ? o.started_at_ms : null,
    viewers: typeof o.viewers === 'number' ? o.viewers : 0,
    followers: typeof o.followers === 'number' ? o.followers : null,
    owner: typeof o.owner === 'string' && o.owner !== '' ? o.owner : undefined,
  };
}

export async function fetchChannel(name: string, signal?: AbortSignal, fetchImpl: Fetch = fetch): Promise<Channel> {
  return parseChannel(await getJson(`/api/v1/channels/${encodeURIComponent(name)}`, fetchImpl, signal));
}

export async function fetchLiveChannels(signal?: AbortSignal, fetchImpl: Fetch = fetch): Promise<Channel[]> {
  const body = await getJson('/api/v1/channels?live=true', fetchImpl, signal);
  const list = (body as { channels?: unknown } | null)?.channels;
  if (!Array.isArray(list)) throw new ApiError(0, 'bad_response', 'channels list missing');
  return list.map(parseChannel);
}
