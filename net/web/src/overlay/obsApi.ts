// The overlay token and the OBS overlays of a channel (docs/api.md#overlays, docs/obs.md): the
// owner's list, the token's rotation, now playing, and the check an overlay page makes with its
// ?token=. Pure parsing and the scene collection builder are tested in obs.test.ts.
import { request } from '../accountApi';
import { ApiError } from '../api';

/** The overlay kinds of the contract (docs/open-platform.md): each needs the channel's token. */
export const OVERLAY_KINDS = ['chat', 'alerts', 'polls', 'predictions', 'hype_train', 'now_playing', 'goals'] as const;
export type OverlayKind = (typeof OVERLAY_KINDS)[number];

export function isOverlayKind(v: string): v is OverlayKind {
  return (OVERLAY_KINDS as readonly string[]).includes(v);
}

export interface OverlayEntry {
  kind: OverlayKind;
  title: string;
  url: string;
  width: number;
  height: number;
}

export interface NowPlaying {
  title: string;
  artist: string;
}

export interface OverlayList {
  token: string;
  overlays: OverlayEntry[];
  nowPlaying: NowPlaying | null;
}

/** The goals overlay's follower goal (null: none). */
export function parseFollowerGoal(v: unknown): number | null {
  const f = (v as { followers?: unknown } | null)?.followers;
  return typeof f === 'number' && f > 0 ? f : null;
}

export function parseNowPlaying(v: unknown): NowPlaying | null {
  const o = v as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || typeof o.title !== 'string' || o.title === '') return null;
  return { title: o.title, artist: typeof o.artist === 'string' ? o.artist : '' };
}

/** The server's list; a relative `url` (no Host seen) is made absolute against `origin`. */
export function parseOverlayList(v: unknown, origin: string): OverlayList {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o.token !== 'string' || !Array.isArray(o.overlays)) throw new ApiError(0, 'bad_response', 'overlays missing in the answer');
  const overlays: OverlayEntry[] = [];
  for (const e of o.overlays as Record<string, unknown>[]) {
    if (!e || typeof e.kind !== 'string' || !isOverlayKind(e.kind)) continue;
    const path = typeof e.path === 'string' ? e.path : '';
    const url = typeof e.url === 'string' && /^https?:\/\//.test(e.url) ? e.url : origin + path;
    overlays.push({ kind: e.kind, title: String(e.title ?? e.kind), url, width: Number(e.width) || 800, height: Number(e.height) || 600 });
  }
  return { token: o.token, overlays, nowPlaying: parseNowPlaying(o.now_playing) };
}

const base = (c: string) => `/api/v1/channels/${encodeURIComponent(c)}/overlays`;

export async function fetchOverlays(token: string, channel: string): Promise<OverlayList> {
  return parseOverlayList(await request('GET', base(channel), { token }), window.location.origin);
}

export async function rotateOverlayToken(token: string, channel: string): Promise<OverlayList> {
  return parseOverlayList(await request('POST', `${base(channel)}/token`, { token, body: {} }), window.location.origin);
}

export async function setFollowerGoal(token: string, channel: string, followers: number | null): Promise<number | null> {
  return parseFollowerGoal(await request('PUT', `${base(channel)}/goals`, { token, body: { followers } }));
}

export async function fetchFollowerGoal(token: string, channel: string): Promise<number | null> {
  return parseFollowerGoal(await request('GET', `${base(channel)}/goals`, { token }));
}

export async function setNowPlaying(token: string, channel: string, np: NowPlaying): Promise<NowPlaying | null> {
  return parseNowPlaying(await request('PUT', `${base(channel)}/now-playing`, { token, body: np }));
}

/** What the overlay page learns from its token: the now-playing line and the follower goal; ApiError 403/404 refuses. */
export async function checkOverlay(channel: string, kind: OverlayKind, overlayToken: string): Promise<{ nowPlaying: NowPlaying | null; followerGoal: number | null }> {
  const o = (await request('GET', `/api/v1/overlays/${encodeURIComponent(channel)}/${kind}?token=${encodeURIComponent(overlayToken)}`)) as Record<
    string,
    unknown
  > | null;
  return { nowPlaying: parseNowPlaying(o?.now_playing), followerGoal: parseFollowerGoal(o?.goals) };
}

/** The {"type":"now_playing"} frame of the room: the new line, or null when cleared. */
export function parseNowPlayingFrame(f: Record<string, unknown>): { nowPlaying: NowPlaying | null } | null {
  if (f.type !== 'now_playing') return null;
  return { nowPlaying: parseNowPlaying(f) };
}

/**
 * An OBS scene collection (the JSON OBS 28+ imports with Scene Collection → Import) holding one
 * scene with every overlay as a browser source at its size, not shut down when hidden (so alerts
 * queue while another scene shows) and without custom CSS (the pages are transparent already).
 */
export function sceneCollection(channel: string, overlays: readonly OverlayEntry[]): Record<string, unknown> {
  const sceneName = `AeThex ${channel}`;
  const sources: Record<string, unknown>[] = overlays.map((o) => ({
    id: 'browser_source',
    versioned_id: 'browser_source',
    name: `AeThex ${o.title}`,
    uuid: `aethex-${channel}-${o.kind}`,
    settings: { url: o.url, width: o.width, height: o.height, css: '', shutdown: false, restart_when_active: false, reroute_audio: false, fps: 30 },
  }));
  let y = 0;
  const items = overlays.map((o, i) => {
    const item = { name: `AeThex ${o.title}`, source_uuid: `aethex-${channel}-${o.kind}`, id: i + 1, visible: true, pos: { x: 0, y }, scale: { x: 1, y: 1 } };
    y = (y + o.height) % 1080;
    return item;
  });
  sources.push({ id: 'scene', versioned_id: 'scene', name: sceneName, uuid: `aethex-${channel}-scene`, settings: { items, id_counter: items.length } });
  return {
    name: `AeThex ${channel}`,
    current_scene: sceneName,
    current_program_scene: sceneName,
    scene_order: [{ name: sceneName }],
    sources,
  };
}
