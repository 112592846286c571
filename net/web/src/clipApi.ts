// Typed client for clips: making one (of a VOD range or the last seconds of a live stream), one
// clip and its render job, likes, views, a channel's clips, trending clips, the owner's edits;
// plus the paths and the embed snippet the pages share.
import { ApiError } from './api';
import { request } from './accountApi';

export type ClipState = 'rendering' | 'ready' | 'failed';
export type ChannelClipSort = 'recent' | 'top';

export interface Clip {
  id: string;
  vod: string;
  channel: string;
  creator: string;
  title: string;
  state: ClipState;
  /** 0–100 while rendering. */
  progress: number;
  /** The renderer's reason when failed. */
  error: string;
  start_s: number;
  duration_s: number;
  bytes: number;
  exact: boolean;
  live: boolean;
  likes: number;
  views: number;
  created_at_ms: number;
  /** The MP4 once ready, else null. */
  url: string | null;
  page: string;
  embed: string;
  /** Only like/unlike answers say whether the caller likes it. */
  liked?: boolean;
}

export interface VodClipRequest {
  vod: string;
  start_s: number;
  duration_s: number;
  title?: string;
  exact?: boolean;
}

export interface LiveClipRequest {
  channel: string;
  duration_s?: number;
  title?: string;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function clipPath(id: string): string {
  return `/clip/${encodeURIComponent(id)}`;
}

export function parseClip(v: unknown): Clip {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o.id !== 'string' || o.id === '') throw new ApiError(0, 'bad_response', 'clip.id missing');
  const state: ClipState = o.state === 'ready' || o.state === 'failed' ? o.state : 'rendering';
  return {
    id: o.id,
    vod: str(o.vod),
    channel: str(o.channel),
    creator: str(o.creator),
    title: str(o.title),
    state,
    progress: state === 'ready' ? 100 : Math.min(100, Math.max(0, num(o.progress))),
    error: str(o.error),
    start_s: num(o.start_s),
    duration_s: num(o.duration_s),
    bytes: num(o.bytes),
    exact: o.exact === true,
    live: o.live === true,
    likes: num(o.likes),
    views: num(o.views),
    created_at_ms: num(o.created_at_ms),
    url: state === 'ready' && typeof o.url === 'string' && o.url !== '' ? o.url : null,
    page: str(o.page) || clipPath(o.id),
    embed: str(o.embed) || `/embed/clip/${encodeURIComponent(o.id)}`,
    liked: typeof o.liked === 'boolean' ? o.liked : undefined,
  };
}

export function parseClipList(v: unknown): Clip[] {
  const list = (v as { clips?: unknown } | null)?.clips;
  if (!Array.isArray(list)) throw new ApiError(0, 'bad_response', 'clips list missing');
  return list.map(parseClip);
}

/** The `<iframe>` other sites paste; `origin` is this site's (e.g. "https://live.example"). */
export function embedSnippet(origin: string, clip: Pick<Clip, 'embed' | 'title'>): string {
  const src = new URL(clip.embed, origin).href;
  const title = (clip.title || 'Clip').replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<iframe src="${src}" title="${title}" width="640" height="360" frameborder="0" allow="autoplay; fullscreen" allowfullscreen></iframe>`;
}

const clipUrl = (id: string) => `/api/v1/clips/${encodeURIComponent(id)}`;
// Signed-out callers send no token; owners see their channel's unfinished clips with theirs.
const auth = (token: string | null | undefined) => (token ? { token } : {});

/** Starts the render job (202); the clip comes back `rendering`. */
export async function createClip(token: string, req: VodClipRequest | LiveClipRequest): Promise<Clip> {
  return parseClip(await request('POST', '/api/v1/clips', { token, body: req }));
}

export async function fetchClip(id: string, token: string | null): Promise<Clip> {
  return parseClip(await request('GET', clipUrl(id), auth(token)));
}

export async function renameClip(token: string, id: string, title: string): Promise<Clip> {
  return parseClip(await request('PATCH', clipUrl(id), { token, body: { title } }));
}

export async function deleteClip(token: string, id: string): Promise<void> {
  await request('DELETE', clipUrl(id), { token });
}

/** Likes (or takes the like back); the clip with `liked` set. */
export async function setClipLike(token: string, id: string, like: boolean): Promise<Clip> {
  return parseClip(await request(like ? 'POST' : 'DELETE', `${clipUrl(id)}/like`, { token }));
}

/** Counts one view; the new total, null when the answer has none. */
export async function countClipView(id: string): Promise<number | null> {
  const res = (await request('POST', `${clipUrl(id)}/views`)) as { views?: unknown } | null;
  return typeof res?.views === 'number' ? res.views : null;
}

export async function fetchChannelClips(channel: string, token: string | null, sort: ChannelClipSort, limit: number): Promise<Clip[]> {
  const q = new URLSearchParams({ sort, limit: String(limit) });
  return parseClipList(await request('GET', `/api/v1/channels/${encodeURIComponent(channel)}/clips?${q.toString()}`, auth(token)));
}

export async function fetchTrendingClips(limit: number): Promise<Clip[]> {
  return parseClipList(await request('GET', `/api/v1/clips?sort=trending&limit=${limit}`));
}
