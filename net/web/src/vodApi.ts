// Typed client for past broadcasts (VODs): a channel's videos, one video, its owner's edits,
// views, the signed-in viewer's progress ("continue watching"), the channel's recording
// settings; plus the pure helpers the pages share (the `?t=` start time, where to resume).
import { ApiError } from './api';
import { request } from './accountApi';
import { parseReplayMessages, type ReplayMessage } from './chat/replay';

export type VodPrivacy = 'public' | 'followers' | 'subscribers' | 'private';
export type VodState = 'recording' | 'ready';

export const PRIVACY_OPTIONS: readonly { value: VodPrivacy; label: string }[] = [
  { value: 'public', label: 'Public' },
  { value: 'followers', label: 'Followers' },
  { value: 'subscribers', label: 'Subscribers' },
  { value: 'private', label: 'Only me' },
];

export interface Vod {
  id: string;
  channel: string;
  title: string;
  category: string;
  started_at_ms: number;
  duration_s: number;
  bytes: number;
  privacy: VodPrivacy;
  state: VodState;
  views: number;
  /** When retention removes it; null when it is kept. */
  expires_at_ms: number | null;
  hls: string;
  download: string;
  poster: string;
}

/** A row of "continue watching": the video and where the viewer stopped. */
export interface WatchedVod extends Vod {
  position_s: number;
}

export interface RecordingSettings {
  record: boolean;
  vod_retention_days: number;
}

export const RETENTION_MIN_DAYS = 1;
export const RETENTION_MAX_DAYS = 365;

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function parseVod(v: unknown): Vod {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o.id !== 'string' || o.id === '') throw new ApiError(0, 'bad_response', 'vod.id missing');
  const base = `/vod/${encodeURIComponent(o.id)}`;
  const privacy = PRIVACY_OPTIONS.find((p) => p.value === o.privacy)?.value ?? 'public';
  return {
    id: o.id,
    channel: str(o.channel),
    title: str(o.title),
    category: str(o.category),
    started_at_ms: num(o.started_at_ms),
    // duration_ms is the precise one; duration_s its rounding.
    duration_s: typeof o.duration_ms === 'number' ? num(o.duration_ms) / 1000 : num(o.duration_s),
    bytes: num(o.bytes),
    privacy,
    state: o.state === 'recording' ? 'recording' : 'ready',
    views: num(o.views),
    expires_at_ms: typeof o.expires_at_ms === 'number' && o.expires_at_ms > 0 ? o.expires_at_ms : null,
    hls: str(o.hls) || `${base}/index.m3u8`,
    download: str(o.download) || `${base}/media.mp4`,
    poster: str(o.poster) || `${base}/poster.jpg`,
  };
}

function vodList(v: unknown): unknown[] {
  const list = (v as { vods?: unknown } | null)?.vods;
  if (!Array.isArray(list)) throw new ApiError(0, 'bad_response', 'vods list missing');
  return list;
}

export function parseVodList(v: unknown): Vod[] {
  return vodList(v).map(parseVod);
}

export function parseContinueWatching(v: unknown): WatchedVod[] {
  return vodList(v).map((row) => ({ ...parseVod(row), position_s: num((row as { position_s?: unknown }).position_s) }));
}

export function parseRecordingSettings(v: unknown): RecordingSettings {
  const o = (v ?? {}) as Record<string, unknown>;
  return {
    record: o.record === true,
    vod_retention_days: typeof o.vod_retention_days === 'number' ? o.vod_retention_days : 0,
  };
}

/** The VOD page, optionally starting at `t` seconds (Twitch-style `?t=90`). */
export function vodPath(id: string, t?: number): string {
  const path = `/v/${encodeURIComponent(id)}`;
  return t !== undefined && t > 0 ? `${path}?t=${Math.floor(t)}` : path;
}

/** `?t=` as seconds: "90", "90s", "1m30s", "1h2m3s"; null when absent or malformed. */
export function parseTimeParam(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!m) return null;
  const [, h = '0', min = '0', s = '0'] = m;
  return Number(h) * 3600 + Number(min) * 60 + Number(s);
}

/** Closer than this to the end, a stored position starts the video over (it was watched). */
export const FINISHED_MARGIN_S = 10;

/**
 * Where playback starts: `?t=` wins, else the stored progress; neither, or a position within
 * FINISHED_MARGIN_S of the end of a finished recording, starts at 0.
 */
export function resumePosition(queryT: number | null, stored: number | null, durationS: number, recording = false): number {
  if (queryT !== null) return Math.max(0, recording ? queryT : Math.min(queryT, Math.max(0, durationS - 1)));
  if (stored === null || stored <= 0) return 0;
  if (!recording && stored >= durationS - FINISHED_MARGIN_S) return 0;
  return stored;
}

/** The watched share for a progress bar, 0..1. */
export function watchedFraction(positionS: number, durationS: number): number {
  return durationS > 0 ? Math.min(1, Math.max(0, positionS / durationS)) : 0;
}

const vodUrl = (id: string) => `/api/v1/vods/${encodeURIComponent(id)}`;
// Signed-out callers send no token: the server shows them public VODs.
const auth = (token: string | null | undefined) => (token ? { token } : {});

export async function fetchChannelVods(channel: string, token: string | null, limit = 24): Promise<Vod[]> {
  const url = `/api/v1/channels/${encodeURIComponent(channel)}/vods?limit=${limit}`;
  return parseVodList(await request('GET', url, auth(token)));
}

export async function fetchVod(id: string, token: string | null): Promise<Vod> {
  return parseVod(await request('GET', vodUrl(id), auth(token)));
}

export async function updateVod(token: string, id: string, change: { title?: string; privacy?: VodPrivacy }): Promise<Vod> {
  return parseVod(await request('PATCH', vodUrl(id), { token, body: change }));
}

export async function deleteVod(token: string, id: string): Promise<void> {
  await request('DELETE', vodUrl(id), { token });
}

/** Counts one view (once per playback start); the new total, null when the answer has none. */
export async function countView(id: string, token: string | null): Promise<number | null> {
  const res = (await request('POST', `${vodUrl(id)}/views`, auth(token))) as { views?: unknown } | null;
  return typeof res?.views === 'number' ? res.views : null;
}

/** `leaving`: the page is going away, so the write must outlive it. */
export async function saveProgress(token: string, id: string, positionS: number, leaving = false): Promise<void> {
  await request('PUT', `${vodUrl(id)}/progress`, { token, body: { position_s: Math.floor(positionS) }, keepalive: leaving });
}

export async function fetchContinueWatching(token: string): Promise<WatchedVod[]> {
  return parseContinueWatching(await request('GET', '/api/v1/me/continue-watching', { token }));
}

/** Chat of [fromS, toS) seconds into the VOD (the server answers windows of up to 600 s). */
export async function fetchVodChat(id: string, fromS: number, toS: number, token: string | null): Promise<ReplayMessage[]> {
  const q = new URLSearchParams({ from_s: String(fromS), to_s: String(toS) });
  return parseReplayMessages(await request('GET', `${vodUrl(id)}/chat?${q.toString()}`, auth(token)));
}

export async function fetchRecordingSettings(channel: string, token: string): Promise<RecordingSettings> {
  return parseRecordingSettings(await request('GET', `/api/v1/channels/${encodeURIComponent(channel)}`, { token }));
}

export async function updateRecordingSettings(token: string, channel: string, change: Partial<RecordingSettings>): Promise<RecordingSettings> {
  return parseRecordingSettings(await request('PATCH', `/api/v1/channels/${encodeURIComponent(channel)}`, { token, body: change }));
}
