import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  fetchVodChat,
  parseContinueWatching,
  parseRecordingSettings,
  parseTimeParam,
  parseVod,
  parseVodList,
  resumePosition,
  saveProgress,
  vodPath,
  watchedFraction,
} from './vodApi';

const row = {
  id: '0123456789ab',
  channel: 'nova',
  title: 'Night sky',
  category: 'Space',
  started_at_ms: 1_700_000_000_000,
  duration_ms: 125_500,
  duration_s: 126,
  bytes: 1_000_000,
  privacy: 'followers',
  state: 'ready',
  views: 3,
  expires_at_ms: 1_800_000_000_000,
  hls: '/vod/0123456789ab/index.m3u8',
  download: '/vod/0123456789ab/media.mp4',
  poster: '/vod/0123456789ab/poster.jpg',
};

describe('VOD parsing', () => {
  it('reads a VOD, preferring the precise duration', () => {
    const v = parseVod(row);
    expect(v.duration_s).toBe(125.5);
    expect(v.privacy).toBe('followers');
    expect(v.state).toBe('ready');
    expect(v.expires_at_ms).toBe(1_800_000_000_000);
    expect(v.hls).toBe('/vod/0123456789ab/index.m3u8');
  });

  it('fills what is missing and refuses a VOD without an id', () => {
    const v = parseVod({ id: 'abc', duration_s: 20, state: 'recording', privacy: 'secret', expires_at_ms: 0 });
    expect(v).toMatchObject({ title: '', duration_s: 20, state: 'recording', privacy: 'public', expires_at_ms: null, views: 0 });
    expect(v.poster).toBe('/vod/abc/poster.jpg');
    expect(v.download).toBe('/vod/abc/media.mp4');
    expect(() => parseVod({ title: 'x' })).toThrow();
    expect(() => parseVodList({})).toThrow();
  });

  it('reads continue-watching rows and recording settings', () => {
    const [w] = parseContinueWatching({ vods: [{ ...row, position_s: 42 }] });
    expect(w).toMatchObject({ id: row.id, position_s: 42 });
    expect(parseRecordingSettings({ name: 'nova', record: true, vod_retention_days: 14 })).toEqual({ record: true, vod_retention_days: 14 });
    expect(parseRecordingSettings({ name: 'nova' })).toEqual({ record: false, vod_retention_days: 0 });
  });
});

describe('start position', () => {
  it('parses ?t= in seconds or h/m/s', () => {
    expect(parseTimeParam('90')).toBe(90);
    expect(parseTimeParam('12.5')).toBe(12.5);
    expect(parseTimeParam('90s')).toBe(90);
    expect(parseTimeParam('1m30s')).toBe(90);
    expect(parseTimeParam('1h2m3s')).toBe(3723);
    expect(parseTimeParam('2h')).toBe(7200);
    expect(parseTimeParam(null)).toBeNull();
    expect(parseTimeParam('')).toBeNull();
    expect(parseTimeParam('-5')).toBeNull();
    expect(parseTimeParam('1m30')).toBeNull();
  });

  it('resumes from ?t=, else the stored position, else the start', () => {
    expect(resumePosition(90, 30, 600)).toBe(90);
    expect(resumePosition(null, 30, 600)).toBe(30);
    expect(resumePosition(null, null, 600)).toBe(0);
    expect(resumePosition(0, 30, 600)).toBe(0);
    // Watched to the end: from the start again (unless the link says otherwise).
    expect(resumePosition(null, 595, 600)).toBe(0);
    expect(resumePosition(9999, null, 600)).toBe(599);
    // A recording grows: its end is no limit.
    expect(resumePosition(9999, null, 600, true)).toBe(9999);
    expect(resumePosition(null, 595, 600, true)).toBe(595);
  });

  it('links and progress bars', () => {
    expect(vodPath('abc')).toBe('/v/abc');
    expect(vodPath('abc', 90.7)).toBe('/v/abc?t=90');
    expect(vodPath('abc', 0)).toBe('/v/abc');
    expect(watchedFraction(30, 120)).toBe(0.25);
    expect(watchedFraction(200, 120)).toBe(1);
    expect(watchedFraction(5, 0)).toBe(0);
  });
});

describe('VOD requests', () => {
  afterEach(() => vi.unstubAllGlobals());

  function stubFetch(body: unknown) {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify(body), { status: 200 });
    });
    return calls;
  }

  it('asks for a chat window, signed out without a token', async () => {
    const calls = stubFetch({ messages: [{ id: 1, user: 'ada', text: 'hi', badges: [], at_ms: 1, offset_s: 3 }] });
    const messages = await fetchVodChat('abc', 60, 120, null);
    expect(calls[0]!.url).toBe('/api/v1/vods/abc/chat?from_s=60&to_s=120');
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBeUndefined();
    expect(messages.map((m) => m.text)).toEqual(['hi']);
  });

  it('saves whole seconds of progress, outliving the page when leaving', async () => {
    const calls = stubFetch({});
    await saveProgress('tok', 'abc', 42.8, true);
    expect(calls[0]!.url).toBe('/api/v1/vods/abc/progress');
    expect(calls[0]!.init.method).toBe('PUT');
    expect(calls[0]!.init.body).toBe('{"position_s":42}');
    expect(calls[0]!.init.keepalive).toBe(true);
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
  });
});
