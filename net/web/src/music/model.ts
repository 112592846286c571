// DJ mode's pure pieces (docs/music.md): parsing the music answer, plays and the room's
// now_playing frame, the audio WebSocket's frames, time in track, and queue edits. Pure, so they
// are unit-tested without a page.

export interface Track {
  id: string;
  title: string;
  artist: string;
  album: string;
  bpm: number;
  key: string;
  durationMs: number;
  artwork: boolean;
  spotifyId: string;
}

export type PlaySource = 'manual' | 'console' | 'metadata' | 'spotify';

export interface Play {
  track: Track;
  playedAtMs: number;
  source: PlaySource;
}

export interface MusicState {
  djMode: boolean;
  announceInChat: boolean;
  nowPlaying: Play | null;
  queue: Track[];
  history: Play[];
}

/** One frame of GET channels/{c}/audio/ws. */
export interface AudioFrame {
  t: number;
  peakDb: [number, number];
  rmsDb: [number, number];
  bandsDb: number[];
  lufsM: number | null;
  lufsS: number | null;
  lufsI: number | null;
  clipping: number;
  beat: boolean;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown, d = '') => (typeof v === 'string' ? v : d);
const num = (v: unknown, d = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const numOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const SOURCES: readonly PlaySource[] = ['manual', 'console', 'metadata', 'spotify'];
/** A Spotify id as the contract allows it; anything else never reaches an embed URL. */
const SPOTIFY_ID = /^[A-Za-z0-9]{1,64}$/;

export function parseTrack(v: unknown): Track {
  const o = obj(v);
  const spotify = str(o.spotify_id);
  return {
    id: str(o.id),
    title: str(o.title),
    artist: str(o.artist),
    album: str(o.album),
    bpm: num(o.bpm),
    key: str(o.key),
    durationMs: num(o.duration_ms),
    artwork: o.artwork === true,
    spotifyId: SPOTIFY_ID.test(spotify) ? spotify : '',
  };
}

export function parsePlay(v: unknown): Play | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = obj(v);
  const track = parseTrack(o.track);
  if (track.title === '') return null;
  const source = str(o.source);
  return { track, playedAtMs: num(o.played_at_ms), source: SOURCES.includes(source as PlaySource) ? (source as PlaySource) : 'manual' };
}

export function parseMusic(v: unknown): MusicState {
  const o = obj(v);
  return {
    djMode: o.dj_mode === true,
    // Default on, as the entity's is.
    announceInChat: o.announce_in_chat !== false,
    nowPlaying: parsePlay(o.now_playing),
    queue: Array.isArray(o.queue) ? o.queue.map(parseTrack).filter((t) => t.title !== '') : [],
    history: Array.isArray(o.history) ? o.history.map(parsePlay).filter((p): p is Play => p !== null) : [],
  };
}

export const emptyMusic: MusicState = { djMode: false, announceInChat: true, nowPlaying: null, queue: [], history: [] };

/**
 * The room's {"type":"now_playing","play": Play} frame (the music entity's): `{ play }`, with
 * null when nothing plays. The overlays' older frame of the same type ({"title","artist"}, no
 * `play`) is not the music entity's and answers null here.
 */
export function parseNowPlayingFrame(f: Obj): { play: Play | null } | null {
  if (f.type !== 'now_playing' || !('play' in f)) return null;
  return { play: parsePlay(f.play) };
}

/**
 * A new play on the page: it becomes now playing, and what played before it moves to the head of
 * the history (the answer keeps the last 50, newest first); the track leaves the queue's head
 * when it was there (`{"next": true}` and "play next" take it from the queue).
 */
export function applyPlay(s: MusicState, play: Play | null): MusicState {
  if (play === null) return { ...s, nowPlaying: null };
  if (s.nowPlaying && s.nowPlaying.playedAtMs === play.playedAtMs && s.nowPlaying.track.id === play.track.id && s.nowPlaying.track.title === play.track.title)
    return s;
  const history = [play, ...s.history.filter((h) => !(h.playedAtMs === play.playedAtMs && h.track.title === play.track.title))].slice(0, 50);
  const queue = play.track.id !== '' && s.queue[0]?.id === play.track.id ? s.queue.slice(1) : s.queue;
  return { ...s, nowPlaying: play, history, queue };
}

/** "Now playing: Artist – Title" (the chat's line). */
export function nowPlayingText(play: Play): string {
  const t = play.track;
  return `Now playing: ${t.artist ? `${t.artist} – ` : ''}${t.title}`;
}

/** m:ss, or h:mm:ss from an hour on; negative counts as 0. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * Time in track: since the play's played_at_ms, by the page's clock corrected by `skewMs` (server
 * minus client, so a wrong local clock does not show a negative or runaway time); capped at the
 * track's duration when it has one.
 */
export function elapsedMs(play: Play, nowMs: number, skewMs = 0): number {
  const e = Math.max(0, nowMs + skewMs - play.playedAtMs);
  return play.track.durationMs > 0 ? Math.min(e, play.track.durationMs) : e;
}

/** "1:23 / 4:05", or "1:23" when the track's duration is unknown. */
export function timeInTrack(play: Play, nowMs: number, skewMs = 0): string {
  const e = formatDuration(elapsedMs(play, nowMs, skewMs));
  return play.track.durationMs > 0 ? `${e} / ${formatDuration(play.track.durationMs)}` : e;
}

/** Progress 0–1 through the track, or null when its duration is unknown. */
export function progress(play: Play, nowMs: number, skewMs = 0): number | null {
  return play.track.durationMs > 0 ? elapsedMs(play, nowMs, skewMs) / play.track.durationMs : null;
}

/** A history timestamp: the local clock time (HH:MM) of the play. */
export function playedAtText(ms: number, locale?: string): string {
  return new Date(ms).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

/** `ids` with the item at `from` moved to `to` (clamped); the same array when nothing moves. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const n = items.length;
  if (from < 0 || from >= n) return [...items];
  const dest = Math.max(0, Math.min(n - 1, to));
  if (dest === from) return [...items];
  const out = [...items];
  const [x] = out.splice(from, 1);
  out.splice(dest, 0, x as T);
  return out;
}

/** The queue's ids with `id` first ("play next"): moved there when queued, else added there. */
export function playNextIds(queue: readonly string[], id: string): string[] {
  return [id, ...queue.filter((q) => q !== id)];
}

/** The queue's ids without the item at `index`. */
export function removeAt(queue: readonly string[], index: number): string[] {
  return queue.filter((_, i) => i !== index);
}

export const QUEUE_MAX = 200;
export const BANDS = 32;

/** One frame of the audio WebSocket, or null for anything else (a frame of another type, junk). */
export function parseAudioFrame(data: unknown): AudioFrame | null {
  let v: unknown = data;
  if (typeof data === 'string') {
    try {
      v = JSON.parse(data);
    } catch {
      return null;
    }
  }
  const o = obj(v);
  if (o.type !== 'audio') return null;
  const pair = (x: unknown): [number, number] => {
    const a = Array.isArray(x) ? x : [];
    const l = num(a[0], -120);
    return [l, num(a[1], l)];
  };
  const bands = Array.isArray(o.bands_db) ? o.bands_db.slice(0, 256).map((b) => num(b, -120)) : [];
  return {
    t: num(o.t),
    peakDb: pair(o.peak_db),
    rmsDb: pair(o.rms_db),
    bandsDb: bands,
    lufsM: numOrNull(o.lufs_m),
    lufsS: numOrNull(o.lufs_s),
    lufsI: numOrNull(o.lufs_i),
    clipping: Math.max(0, num(o.clipping)),
    beat: o.beat === true,
  };
}

/** A dB value (≤ 0 full scale) as 0–1 over `floorDb`..0, for meters and bars. */
export function dbToUnit(db: number, floorDb = -60): number {
  if (!Number.isFinite(db)) return 0;
  return Math.max(0, Math.min(1, (db - floorDb) / -floorDb));
}

/**
 * A beat from levels when the source has no beat flag (WebAudio): the low bands' energy jumps
 * above its recent average. `state` carries the average between calls.
 */
export function detectBeat(state: { avg: number; lastMs: number }, bassEnergy: number, nowMs: number): boolean {
  const beat = bassEnergy > 0.15 && bassEnergy > state.avg * 1.35 && nowMs - state.lastMs > 250;
  state.avg = state.avg * 0.9 + bassEnergy * 0.1;
  if (beat) state.lastMs = nowMs;
  return beat;
}

/** Track fields as the API takes them (empty optional fields left out). */
export function trackBody(t: Partial<Track>): Obj {
  const body: Obj = {};
  if (t.title !== undefined) body.title = t.title;
  if (t.artist !== undefined) body.artist = t.artist;
  if (t.album !== undefined) body.album = t.album;
  if (t.bpm !== undefined) body.bpm = t.bpm;
  if (t.key !== undefined) body.key = t.key;
  if (t.durationMs !== undefined) body.duration_ms = t.durationMs;
  if (t.spotifyId !== undefined) body.spotify_id = t.spotifyId;
  return body;
}

/** "4:05" or "245" (seconds) as milliseconds; null when neither. */
export function parseDurationText(text: string): number | null {
  const s = text.trim();
  if (s === '') return 0;
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(s);
  if (m) return ((Number(m[1] ?? 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  return null;
}
