// REST calls of DJ mode (docs/music.md): the public music answer, the owner's settings, track
// library, artwork, import, queue and now playing, the audio metrics and the Spotify link.
import { ApiError } from '../api';
import { request } from '../accountApi';
import { parseMusic, parsePlay, parseTrack, trackBody, type MusicState, type Play, type Track } from './model';

const base = (c: string) => `/api/v1/channels/${encodeURIComponent(c)}`;
const music = (c: string) => `${base(c)}/music`;

export async function fetchMusic(channel: string, signal?: AbortSignal): Promise<{ music: MusicState; serverMs: number | null }> {
  const res = await fetch(music(channel), { signal, headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, `HTTP ${res.status}`);
  // The Date header gives the server's clock, so time in track does not follow a wrong local one.
  const date = Date.parse(res.headers.get('Date') ?? '');
  return { music: parseMusic(await res.json()), serverMs: Number.isFinite(date) ? date : null };
}

export async function saveSettings(channel: string, token: string, patch: { dj_mode?: boolean; announce_in_chat?: boolean }): Promise<MusicState> {
  return parseMusic(await request('PUT', `${music(channel)}/settings`, { token, body: patch }));
}

export async function fetchTracks(channel: string, token: string, q: string, limit = 100, offset = 0): Promise<{ tracks: Track[]; total: number }> {
  const qs = new URLSearchParams({ q, limit: String(limit), offset: String(offset) });
  const o = (await request('GET', `${music(channel)}/tracks?${qs}`, { token })) as { tracks?: unknown; total?: unknown } | null;
  const tracks = Array.isArray(o?.tracks) ? o.tracks.map(parseTrack) : [];
  return { tracks, total: typeof o?.total === 'number' ? o.total : tracks.length };
}

export async function addTrack(channel: string, token: string, t: Partial<Track>): Promise<Track> {
  return parseTrack(await request('POST', `${music(channel)}/tracks`, { token, body: trackBody(t) }));
}

export async function editTrack(channel: string, token: string, id: string, t: Partial<Track>): Promise<Track> {
  return parseTrack(await request('PUT', `${music(channel)}/tracks/${encodeURIComponent(id)}`, { token, body: trackBody(t) }));
}

export async function deleteTrack(channel: string, token: string, id: string): Promise<void> {
  await request('DELETE', `${music(channel)}/tracks/${encodeURIComponent(id)}`, { token });
}

export function artworkUrl(channel: string, id: string, version = 0): string {
  return `${music(channel)}/tracks/${encodeURIComponent(id)}/artwork${version ? `?v=${version}` : ''}`;
}

async function rawRequest(method: string, url: string, token: string, body: BodyInit, type: string): Promise<unknown> {
  const res = await fetch(url, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': type, Accept: 'application/json' }, body, cache: 'no-store' });
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    throw new ApiError(res.status, typeof err?.code === 'string' ? err.code : `http_${res.status}`, typeof err?.message === 'string' ? err.message : `HTTP ${res.status}`);
  }
  return json;
}

export const ARTWORK_MAX = 1024 * 1024;
export const IMPORT_MAX = 1024 * 1024;

export async function uploadArtwork(channel: string, token: string, id: string, file: Blob): Promise<Track> {
  if (file.size > ARTWORK_MAX) throw new ApiError(413, 'too_large', 'Artwork is at most 1 MiB.');
  return parseTrack(await rawRequest('PUT', `${music(channel)}/tracks/${encodeURIComponent(id)}/artwork`, token, file, file.type || 'application/octet-stream'));
}

export interface ImportResult {
  imported: number;
  skipped: number;
  errors: { line: number; error: string }[];
}

export function parseImportResult(v: unknown): ImportResult {
  const o = (v ?? {}) as Record<string, unknown>;
  const errors = Array.isArray(o.errors)
    ? o.errors.map((e) => {
        const x = (e ?? {}) as Record<string, unknown>;
        return { line: typeof x.line === 'number' ? x.line : 0, error: typeof x.error === 'string' ? x.error : String(x.error ?? '') };
      })
    : [];
  return { imported: typeof o.imported === 'number' ? o.imported : 0, skipped: typeof o.skipped === 'number' ? o.skipped : 0, errors };
}

/** `csv` or `m3u` by the file's name (M3U for .m3u/.m3u8, else CSV). */
export function importFormat(fileName: string): 'csv' | 'm3u' {
  return /\.m3u8?$/i.test(fileName) ? 'm3u' : 'csv';
}

export async function importTracks(channel: string, token: string, format: 'csv' | 'm3u', text: string): Promise<ImportResult> {
  const type = format === 'csv' ? 'text/csv' : 'audio/x-mpegurl';
  return parseImportResult(await rawRequest('POST', `${music(channel)}/tracks/import?format=${format}`, token, text, type));
}

export async function setQueue(channel: string, token: string, ids: string[]): Promise<MusicState> {
  return parseMusic(await request('PUT', `${music(channel)}/queue`, { token, body: { tracks: ids } }));
}

export async function enqueue(channel: string, token: string, id: string): Promise<MusicState> {
  return parseMusic(await request('POST', `${music(channel)}/queue`, { token, body: { track: id } }));
}

export type NowPlayingRequest = { track: string } | { title: string; artist?: string; album?: string } | { next: true };

export async function playNow(channel: string, token: string, what: NowPlayingRequest): Promise<Play | null> {
  return parsePlay(await request('POST', `${music(channel)}/now-playing`, { token, body: what }));
}

export async function stopPlaying(channel: string, token: string): Promise<void> {
  await request('DELETE', `${music(channel)}/now-playing`, { token });
}

export interface AudioStatus {
  live: boolean;
  codec: string;
  channels: number;
  sampleRate: number;
  bitrateKbps: number;
  peakDb: [number, number];
  rmsDb: [number, number];
  lufsI: number | null;
  lufsS: number | null;
  clippingTotal: number;
  warnings: { code: string; message: string }[];
}

export function parseAudioStatus(v: unknown): AudioStatus {
  const o = (v ?? {}) as Record<string, unknown>;
  const n = (x: unknown, d = 0) => (typeof x === 'number' && Number.isFinite(x) ? x : d);
  const pair = (x: unknown): [number, number] => {
    const a = Array.isArray(x) ? x : typeof x === 'number' ? [x, x] : [];
    return [n(a[0], -120), n(a[1], n(a[0], -120))];
  };
  return {
    live: o.live === true,
    codec: typeof o.codec === 'string' ? o.codec : '',
    channels: n(o.channels),
    sampleRate: n(o.sample_rate),
    bitrateKbps: n(o.bitrate_kbps),
    peakDb: pair(o.peak_db),
    rmsDb: pair(o.rms_db),
    lufsI: typeof o.lufs_i === 'number' ? o.lufs_i : null,
    lufsS: typeof o.lufs_s === 'number' ? o.lufs_s : null,
    clippingTotal: n(o.clipping_total),
    warnings: Array.isArray(o.warnings)
      ? o.warnings.map((w) => {
          const x = (w ?? {}) as Record<string, unknown>;
          return { code: String(x.code ?? ''), message: String(x.message ?? '') };
        })
      : [],
  };
}

export async function fetchAudioStatus(channel: string, token: string): Promise<AudioStatus> {
  return parseAudioStatus(await request('GET', `${base(channel)}/audio`, { token }));
}

export function audioSocketUrl(channel: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}${base(channel)}/audio/ws`;
}

export interface SpotifyStatus {
  linked: boolean;
  configured: boolean;
}

export async function fetchSpotify(channel: string, token: string): Promise<SpotifyStatus> {
  const o = (await request('GET', `${music(channel)}/spotify`, { token })) as Record<string, unknown> | null;
  return { linked: o?.linked === true, configured: o?.configured === true };
}

/**
 * Where to send the owner to link Spotify. The route needs the owner's token, which a plain
 * navigation does not carry, so it is fetched: a JSON `{"url"}` answer or a redirect the fetch
 * could read gives Spotify's authorize page.
 */
export async function spotifyLinkUrl(channel: string, token: string): Promise<string> {
  const res = await fetch(`${music(channel)}/spotify/link`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, redirect: 'manual', cache: 'no-store' });
  const location = res.headers.get('Location');
  if (location) return location;
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const o = (body ?? {}) as { url?: unknown; error?: { code?: unknown; message?: unknown } };
  if (res.ok && typeof o.url === 'string') return o.url;
  if (res.type === 'opaqueredirect') throw new ApiError(0, 'redirect', 'The node answered a redirect the page cannot read.');
  throw new ApiError(res.status, typeof o.error?.code === 'string' ? o.error.code : `http_${res.status}`, typeof o.error?.message === 'string' ? o.error.message : `HTTP ${res.status}`);
}

export async function unlinkSpotify(channel: string, token: string): Promise<void> {
  await request('DELETE', `${music(channel)}/spotify`, { token });
}

export function spotifyEmbedUrl(spotifyId: string): string {
  return `https://open.spotify.com/embed/track/${encodeURIComponent(spotifyId)}`;
}
