import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { analyticsCsvUrl, analyticsUrl, bucketFits, parseAdminOverview, parseAnalytics, parseHealthHistory, parseIngest, rangeFor } from './analyticsApi';
import { chatPerMinute, detectWarnings, followerGrowth, healthColumns, latestWarnings, pointCount, toColumns, watchHours } from './charts';
import { csvFilename, downloadCsv } from './csvDownload';
import type { HealthSample } from './analyticsApi';

const point = (t: number, o: Partial<{ viewers: number; watch_s: number; views: number; chat_messages: number; new_followers: number }> = {}) => ({
  t,
  viewers: 0,
  watch_s: 0,
  views: 0,
  chat_messages: 0,
  new_followers: 0,
  ...o,
});

const sample = (t: number, o: Partial<HealthSample> = {}): HealthSample => ({
  t,
  bitrate_kbps: 3000,
  fps: 30,
  keyframe_interval_ms: 1000,
  dropped_frames: 0,
  late_frames: 0,
  viewers: 1,
  ...o,
});

describe('analytics parsing', () => {
  it('reads the whole answer, defaulting missing numbers', () => {
    const a = parseAnalytics({
      channel: 'nova',
      from: 1,
      to: 2,
      bucket: 'hour',
      totals: { views: 5, unique_viewers: 3, peak_viewers: 'x' },
      series: [{ t: 60000, viewers: 2, chat_messages: 6 }, { viewers: 1 }],
      sources: [{ source: 'search', views: 4, share: 0.8 }, { views: 1 }],
      sessions: [{ id: 7, started_at_ms: 10, ended_at_ms: null, peak_viewers: 2 }],
      recent_followers: [{ user: 'ann', at_ms: 5 }],
      revenue: null,
    });
    expect(a.bucket).toBe('hour');
    expect(a.totals.views).toBe(5);
    expect(a.totals.peak_viewers).toBe(0);
    expect(a.totals.follower_growth).toBe(0);
    expect(a.series).toEqual([point(60000, { viewers: 2, chat_messages: 6 })]);
    expect(a.sources).toEqual([{ source: 'search', views: 4, share: 0.8 }]);
    expect(a.sessions[0]).toEqual({ id: '7', started_at_ms: 10, ended_at_ms: null, peak_viewers: 2, watch_time_s: 0, views: 0 });
    expect(a.recent_followers).toEqual([{ user: 'ann', at_ms: 5 }]);
    expect(a.revenue).toBeNull();
  });
  it('refuses an answer without a channel', () => {
    expect(() => parseAnalytics({})).toThrow();
  });
  it('builds the query and CSV URLs', () => {
    expect(analyticsUrl('my chan', { from: 1.5, to: 20, bucket: 'auto' })).toBe('/api/v1/channels/my%20chan/analytics?from=1&to=20&bucket=auto');
    expect(analyticsUrl('a', { from: 1, to: 2, bucket: 'minute', session: 's1' })).toContain('&session=s1');
    expect(analyticsCsvUrl('a', 'sources', { from: 1, to: 2, bucket: 'day' })).toBe('/api/v1/channels/a/analytics.csv?from=1&to=2&bucket=day&table=sources');
  });
  it('reads ingest, health history and the admin overview', () => {
    expect(parseIngest({ host: 'h', rtmp_port: 1935, srt_port: 0, rtmp_url: 'rtmp://h:1935/live', srt_url: null })).toEqual({
      host: 'h',
      rtmp_port: 1935,
      srt_port: null,
      rtmp_url: 'rtmp://h:1935/live',
      srt_url: null,
    });
    const h = parseHealthHistory({ session: 's', samples: [{ t: 5, fps: 30 }], warnings: [{ t: 5, kind: 'bitrate_drop', message: 'm' }, { t: 6, kind: 'other' }] });
    expect(h.samples[0]?.fps).toBe(30);
    expect(h.warnings).toEqual([{ t: 5, kind: 'bitrate_drop', message: 'm' }]);
    const o = parseAdminOverview({ members: [{ node: 'n1', viewers: 3 }], totals: { viewers: 3, live_channels: 1 } });
    expect(o.members[0]).toEqual({ node: 'n1', answered: true, live_channels: null, viewers: 3, ingest_kbps: null, chat_messages_per_s: null });
    const silent = parseAdminOverview({ members: [{ node: 'n2', live_channels: null, viewers: null }], totals: {} });
    expect(silent.members[0]?.answered).toBe(false);
    expect(o.totals.live_channels).toBe(1);
    expect(() => parseAdminOverview({})).toThrow();
  });
  it('turns range presets into [from, to]', () => {
    const now = 100 * 86_400_000;
    expect(rangeFor('24h', now, null)).toEqual({ from: now - 86_400_000, to: now });
    expect(rangeFor('7d', now, null).from).toBe(now - 7 * 86_400_000);
    expect(rangeFor('stream', now, now - 5000)).toEqual({ from: now - 5000, to: now });
    expect(rangeFor('stream', now, null).from).toBe(now - 86_400_000);
    expect(rangeFor('custom', now, null, { from: 9, to: 3 })).toEqual({ from: 3, to: 9 });
  });
});

describe('chart data', () => {
  it('puts series into uPlot columns, x in seconds, sorted', () => {
    const d = toColumns([point(120000, { viewers: 4 }), point(60000, { viewers: 2 })], [(p) => p.viewers]);
    expect(d).toEqual([[60, 120], [2, 4]]);
    expect(pointCount(d)).toBe(2);
    expect(pointCount(toColumns([], []))).toBe(0);
  });
  it('rates chat per minute for any bucket', () => {
    expect(chatPerMinute([point(0, { chat_messages: 120 })], 'hour')).toEqual([[0], [2]]);
    expect(chatPerMinute([point(0, { chat_messages: 7 })], 'minute')).toEqual([[0], [7]]);
  });
  it('sums follower growth and converts watch time to hours', () => {
    expect(followerGrowth([point(2000, { new_followers: 3 }), point(1000, { new_followers: 1 })])).toEqual([[1, 2], [1, 4]]);
    expect(watchHours([point(0, { watch_s: 5400 })])).toEqual([[0], [1.5]]);
  });
  it('splits health samples into bitrate, fps and keyframe seconds', () => {
    const h = healthColumns([sample(5000, { keyframe_interval_ms: 2500, fps: 29.97 })]);
    expect(h.bitrate).toEqual([[5], [3000]]);
    expect(h.fps).toEqual([[5], [29.97]]);
    expect(h.keyframe).toEqual([[5], [2.5]]);
  });
});

describe('health warnings', () => {
  it('flags keyframe intervals over 4 s', () => {
    const w = detectWarnings([sample(0, { keyframe_interval_ms: 4000 }), sample(5000, { keyframe_interval_ms: 6000 })]);
    expect(w.map((x) => [x.kind, x.t])).toEqual([['keyframe_interval', 5000]]);
    expect(w[0]?.message).toContain('6.0 s');
  });
  it('flags a bitrate under half the recent median', () => {
    const steady = [0, 1, 2, 3].map((i) => sample(i * 5000));
    expect(detectWarnings([...steady, sample(20000, { bitrate_kbps: 1600 })])).toEqual([]);
    const w = detectWarnings([...steady, sample(20000, { bitrate_kbps: 900 })]);
    expect(w.map((x) => x.kind)).toEqual(['bitrate_drop']);
  });
  it('flags frames dropped since the previous sample', () => {
    const w = detectWarnings([sample(0, { dropped_frames: 5 }), sample(5000, { dropped_frames: 5 }), sample(10000, { dropped_frames: 9 })]);
    expect(w).toEqual([{ t: 10000, kind: 'dropped_frames', message: '4 frames dropped' }]);
  });
  it('keeps the latest of each kind, newest first', () => {
    const l = latestWarnings(
      [{ t: 1, kind: 'bitrate_drop', message: 'a' }, { t: 9, kind: 'keyframe_interval', message: 'k' }],
      [{ t: 5, kind: 'bitrate_drop', message: 'b' }],
    );
    expect(l.map((w) => w.message)).toEqual(['k', 'b']);
  });
});

describe('CSV download', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  it('names files after channel, table and dates', () => {
    expect(csvFilename('nova', 'series', Date.UTC(2026, 0, 2), Date.UTC(2026, 0, 9, 12))).toBe('nova-series-2026-01-02-2026-01-09.csv');
  });
  it('fetches with the bearer, saves a blob URL and revokes it later', async () => {
    const calls: { url: string; init?: RequestInit }[] = [];
    const clicked: string[] = [];
    const revoked: string[] = [];
    const env = {
      fetch: (async (url: string, init?: RequestInit) => {
        calls.push({ url, init });
        return new Response('t,views\n1,2\n', { status: 200, headers: { 'Content-Type': 'text/csv' } });
      }) as unknown as typeof fetch,
      createObjectURL: (b: Blob) => `blob:${b.type}`,
      revokeObjectURL: (u: string) => void revoked.push(u),
      click: (href: string, name: string) => void clicked.push(`${href} ${name}`),
    };
    await downloadCsv('/x.csv', 'tok', 'f.csv', env);
    expect(calls[0]?.url).toBe('/x.csv');
    expect((calls[0]?.init?.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(clicked).toEqual(['blob:text/csv f.csv']);
    expect(revoked).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(revoked).toEqual(['blob:text/csv']);
  });
  it('throws on a refusal without saving', async () => {
    const clicked: string[] = [];
    const env = {
      fetch: (async () => new Response('{}', { status: 403 })) as unknown as typeof fetch,
      createObjectURL: () => 'blob:x',
      revokeObjectURL: () => undefined,
      click: (h: string) => void clicked.push(h),
    };
    await expect(downloadCsv('/x.csv', 't', 'f.csv', env)).rejects.toMatchObject({ status: 403 });
    expect(clicked).toEqual([]);
  });
});

describe('dashboard routing', () => {
  it('opens the tab ?tab= names, else the stream manager; /admin is a page', async () => {
    const { parseDashboardTab } = await import('./pages/Dashboard');
    const { parseRoute } = await import('./router');
    expect(parseDashboardTab('?tab=analytics')).toBe('analytics');
    expect(parseDashboardTab('?tab=content')).toBe('content');
    expect(parseDashboardTab('?tab=engagement')).toBe('engagement');
    expect(parseDashboardTab('?tab=nope')).toBe('stream');
    expect(parseDashboardTab('')).toBe('stream');
    expect(parseRoute('/admin')).toEqual({ kind: 'admin' });
  });
});

describe('health warnings floor', () => {
  it('does not flag drops of a stream under 200 kbit/s', () => {
    const low = [0, 1, 2, 3].map((i) => sample(i * 5000, { bitrate_kbps: 150 }));
    expect(detectWarnings([...low, sample(20000, { bitrate_kbps: 10 })])).toEqual([]);
  });
});

describe('bucket limits', () => {
  it('allows at most 10,080 buckets from the first bucket start', () => {
    const day = 86_400_000;
    expect(bucketFits('minute', 0, 7 * day)).toBe(true);
    expect(bucketFits('minute', 30_000, 7 * day + 30_000)).toBe(false);
    expect(bucketFits('minute', 0, 30 * day)).toBe(false);
    expect(bucketFits('hour', 0, 30 * day)).toBe(true);
    expect(bucketFits('auto', 0, 3650 * day)).toBe(true);
  });
});
