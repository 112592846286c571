// Creator analytics and the stream manager's calls (docs/api.md): parsers that turn the node's
// JSON into typed values (missing numbers become 0, unknown shapes throw), plus the URLs.
import { ApiError } from './api';
import { request } from './accountApi';

export type Bucket = 'minute' | 'hour' | 'day' | 'auto';
export const BUCKETS: readonly Bucket[] = ['auto', 'minute', 'hour', 'day'];

export interface AnalyticsTotals {
  views: number;
  unique_viewers: number;
  watch_time_s: number;
  avg_watch_time_s: number;
  peak_viewers: number;
  chat_messages: number;
  unique_chatters: number;
  new_followers: number;
  lost_followers: number;
  follower_growth: number;
}

export interface SeriesPoint {
  /** Start of the bucket, ms since the epoch. */
  t: number;
  viewers: number;
  watch_s: number;
  views: number;
  chat_messages: number;
  new_followers: number;
}

export interface SourceShare {
  source: string;
  views: number;
  /** 0..1 of the range's views. */
  share: number;
}

export interface StreamSession {
  id: string;
  started_at_ms: number;
  ended_at_ms: number | null;
  peak_viewers: number;
  watch_time_s: number;
  views: number;
}

export interface RecentFollower {
  user: string;
  at_ms: number;
}

export interface Analytics {
  channel: string;
  from: number;
  to: number;
  bucket: Exclude<Bucket, 'auto'>;
  totals: AnalyticsTotals;
  series: SeriesPoint[];
  sources: SourceShare[];
  sessions: StreamSession[];
  recent_followers: RecentFollower[];
  /** null until monetization is enabled. */
  revenue: unknown;
}

export interface AnalyticsQuery {
  from: number;
  to: number;
  bucket: Bucket;
  session?: string;
}

export type CsvTable = 'series' | 'sources' | 'sessions' | 'totals' | 'recent_followers';

const TOTAL_KEYS: readonly (keyof AnalyticsTotals)[] = [
  'views',
  'unique_viewers',
  'watch_time_s',
  'avg_watch_time_s',
  'peak_viewers',
  'chat_messages',
  'unique_chatters',
  'new_followers',
  'lost_followers',
  'follower_growth',
];

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const bad = (what: string) => new ApiError(0, 'bad_response', what);

const channelBase = (channel: string) => `/api/v1/channels/${encodeURIComponent(channel)}`;

function query(q: AnalyticsQuery): URLSearchParams {
  const p = new URLSearchParams({ from: String(Math.floor(q.from)), to: String(Math.floor(q.to)), bucket: q.bucket });
  if (q.session) p.set('session', q.session);
  return p;
}

export function analyticsUrl(channel: string, q: AnalyticsQuery): string {
  return `${channelBase(channel)}/analytics?${query(q).toString()}`;
}

export function analyticsCsvUrl(channel: string, table: CsvTable, q: AnalyticsQuery): string {
  const p = query(q);
  p.set('table', table);
  return `${channelBase(channel)}/analytics.csv?${p.toString()}`;
}

export function parseAnalytics(v: unknown): Analytics {
  const o = obj(v);
  if (typeof o.channel !== 'string') throw bad('analytics.channel missing');
  const t = obj(o.totals);
  const totals = Object.fromEntries(TOTAL_KEYS.map((k) => [k, num(t[k])])) as unknown as AnalyticsTotals;
  const bucket = o.bucket === 'minute' || o.bucket === 'hour' || o.bucket === 'day' ? o.bucket : 'minute';
  return {
    channel: o.channel,
    from: num(o.from),
    to: num(o.to),
    bucket,
    totals,
    series: list(o.series)
      .map(obj)
      .filter((p) => typeof p.t === 'number')
      .map((p) => ({
        t: num(p.t),
        viewers: num(p.viewers),
        watch_s: num(p.watch_s),
        views: num(p.views),
        chat_messages: num(p.chat_messages),
        new_followers: num(p.new_followers),
      })),
    sources: list(o.sources)
      .map(obj)
      .filter((s) => typeof s.source === 'string')
      .map((s) => ({ source: str(s.source), views: num(s.views), share: num(s.share) })),
    sessions: list(o.sessions)
      .map(obj)
      .filter((s) => s.id !== undefined)
      .map((s) => ({
        id: str(s.id),
        started_at_ms: num(s.started_at_ms),
        ended_at_ms: typeof s.ended_at_ms === 'number' ? s.ended_at_ms : null,
        peak_viewers: num(s.peak_viewers),
        watch_time_s: num(s.watch_time_s),
        views: num(s.views),
      })),
    recent_followers: list(o.recent_followers)
      .map(obj)
      .filter((f) => typeof f.user === 'string')
      .map((f) => ({ user: str(f.user), at_ms: num(f.at_ms) })),
    revenue: o.revenue ?? null,
  };
}

export async function fetchAnalytics(token: string, channel: string, q: AnalyticsQuery): Promise<Analytics> {
  return parseAnalytics(await request('GET', analyticsUrl(channel, q), { token }));
}

// ---- Ranges -------------------------------------------------------------------------------

/** The most buckets the node answers for one range (more is a 400). */
export const MAX_BUCKETS = 10_080;
const BUCKET_MS: Record<Exclude<Bucket, 'auto'>, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Whether `bucket` splits [from, to] into few enough buckets (the range starts at its first bucket's start). */
export function bucketFits(bucket: Bucket, from: number, to: number): boolean {
  if (bucket === 'auto') return true;
  const size = BUCKET_MS[bucket];
  return Math.ceil((to - Math.floor(from / size) * size) / size) <= MAX_BUCKETS;
}

export type RangePreset = 'stream' | '24h' | '7d' | '30d' | 'custom';
export const RANGE_PRESETS: readonly { value: RangePreset; label: string }[] = [
  { value: 'stream', label: 'This stream' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom' },
];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The [from, to] of a preset at `now`: "this stream" runs from the live session's start (or,
 * offline, the last 24 h), custom takes `custom` as given (swapped when backwards).
 */
export function rangeFor(
  preset: RangePreset,
  now: number,
  streamStartMs: number | null,
  custom?: { from: number; to: number },
): { from: number; to: number } {
  switch (preset) {
    case 'stream':
      return { from: streamStartMs ?? now - DAY_MS, to: now };
    case '24h':
      return { from: now - DAY_MS, to: now };
    case '7d':
      return { from: now - 7 * DAY_MS, to: now };
    case '30d':
      return { from: now - 30 * DAY_MS, to: now };
    case 'custom': {
      const a = custom?.from ?? now - DAY_MS;
      const b = custom?.to ?? now;
      return a <= b ? { from: a, to: b } : { from: b, to: a };
    }
  }
}

// ---- Stream manager -----------------------------------------------------------------------

export interface Ingest {
  host: string;
  rtmp_port: number | null;
  srt_port: number | null;
  /** `rtmp://host:port/live`; null when the RTMP listener is off. */
  rtmp_url: string | null;
  /** `srt://host:port?streamid=` (the key goes at the end); null when SRT is off. */
  srt_url: string | null;
}

export function parseIngest(v: unknown): Ingest {
  const o = obj(v);
  const url = (x: unknown) => (typeof x === 'string' && x !== '' ? x : null);
  const port = (x: unknown) => (typeof x === 'number' && x > 0 ? x : null);
  return { host: str(o.host), rtmp_port: port(o.rtmp_port), srt_port: port(o.srt_port), rtmp_url: url(o.rtmp_url), srt_url: url(o.srt_url) };
}

export async function fetchIngest(token: string, channel: string): Promise<Ingest> {
  return parseIngest(await request('GET', `${channelBase(channel)}/ingest`, { token }));
}

/** Ends the live stream (kicks the encoder); with `rotateKey` a new key is returned. */
export async function endStream(token: string, channel: string, rotateKey: boolean): Promise<{ ended: boolean; streamKey: string | null }> {
  const o = obj(await request('POST', `${channelBase(channel)}/stream/end`, { token, body: { rotate_key: rotateKey } }));
  return { ended: o.ended === true, streamKey: typeof o.stream_key === 'string' ? o.stream_key : null };
}

export interface HealthSample {
  t: number;
  bitrate_kbps: number;
  fps: number;
  keyframe_interval_ms: number;
  dropped_frames: number;
  late_frames: number;
  viewers: number;
}

export type HealthWarningKind = 'keyframe_interval' | 'bitrate_drop' | 'dropped_frames';

export interface HealthWarning {
  t: number;
  kind: HealthWarningKind;
  message: string;
}

export interface HealthHistory {
  session: string | null;
  samples: HealthSample[];
  warnings: HealthWarning[];
}

const WARNING_KINDS: readonly string[] = ['keyframe_interval', 'bitrate_drop', 'dropped_frames'];

export function parseHealthHistory(v: unknown): HealthHistory {
  const o = obj(v);
  return {
    session: o.session === null || o.session === undefined ? null : str(o.session),
    samples: list(o.samples)
      .map(obj)
      .filter((s) => typeof s.t === 'number')
      .map((s) => ({
        t: num(s.t),
        bitrate_kbps: num(s.bitrate_kbps),
        fps: num(s.fps),
        keyframe_interval_ms: num(s.keyframe_interval_ms),
        dropped_frames: num(s.dropped_frames),
        late_frames: num(s.late_frames),
        viewers: num(s.viewers),
      })),
    warnings: list(o.warnings)
      .map(obj)
      .filter((w) => typeof w.kind === 'string' && WARNING_KINDS.includes(w.kind))
      .map((w) => ({ t: num(w.t), kind: w.kind as HealthWarningKind, message: str(w.message) })),
  };
}

export async function fetchHealthHistory(token: string, channel: string): Promise<HealthHistory> {
  return parseHealthHistory(await request('GET', `${channelBase(channel)}/health/history`, { token }));
}

// ---- Admin --------------------------------------------------------------------------------

/** A member's load; null figures: the member did not answer in time. */
export interface NodeLoad {
  live_channels: number | null;
  viewers: number | null;
  ingest_kbps: number | null;
  chat_messages_per_s: number | null;
}

export interface AdminOverview {
  members: (NodeLoad & { node: string; answered: boolean })[];
  totals: NodeLoad;
}

const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const load = (o: Obj): NodeLoad => ({
  live_channels: numOrNull(o.live_channels),
  viewers: numOrNull(o.viewers),
  ingest_kbps: numOrNull(o.ingest_kbps),
  chat_messages_per_s: numOrNull(o.chat_messages_per_s),
});

export function parseAdminOverview(v: unknown): AdminOverview {
  const o = obj(v);
  if (!Array.isArray(o.members)) throw bad('overview.members missing');
  return {
    members: o.members.map(obj).map((m) => {
      const l = load(m);
      return { node: str(m.node), answered: Object.values(l).some((x) => x !== null), ...l };
    }),
    totals: load(obj(o.totals)),
  };
}

export async function fetchAdminOverview(token: string): Promise<AdminOverview> {
  return parseAdminOverview(await request('GET', '/api/v1/admin/overview', { token }));
}
