import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWatchBeats, detectSource, sendWatchBeat, sourceOfPath, stableViewerId, type WatchBeat } from './watchBeats';

describe('watch beats', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('beats on start, every 15 s while playing, ended on stop', () => {
    const sent: WatchBeat[] = [];
    const b = createWatchBeats({ viewer: 'v1', source: 'search' }, (x) => sent.push(x));
    expect(sent).toEqual([]);
    b.playing();
    expect(sent).toEqual([{ viewer: 'v1', source: 'search' }]);
    b.playing(); // a second `playing` (after buffering) does not beat again
    vi.advanceTimersByTime(14_999);
    expect(sent.length).toBe(1);
    vi.advanceTimersByTime(1);
    expect(sent.length).toBe(2);
    vi.advanceTimersByTime(30_000);
    expect(sent.length).toBe(4);
    expect(b.active).toBe(true);
    b.stopped();
    expect(sent[4]).toEqual({ viewer: 'v1', source: 'search', ended: true });
    expect(b.active).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(sent.length).toBe(5);
  });

  it('sends no ended beat before playback started, and restarts after a pause', () => {
    const sent: WatchBeat[] = [];
    const b = createWatchBeats({ viewer: 'v', source: 'external', referrer: 'example.org' }, (x) => sent.push(x));
    b.stopped();
    expect(sent).toEqual([]);
    b.playing();
    b.stopped();
    b.stopped();
    b.playing();
    expect(sent.map((x) => !!x.ended)).toEqual([false, true, false]);
    expect(sent[0]?.referrer).toBe('example.org');
  });

  it('posts beats with keepalive and the bearer', async () => {
    const calls: [string, RequestInit][] = [];
    const f = (async (u: string, i: RequestInit) => {
      calls.push([u, i]);
      return new Response(null, { status: 202 });
    }) as unknown as typeof fetch;
    sendWatchBeat('nova', { viewer: 'v', source: 'direct', ended: true }, 'tok', f);
    sendWatchBeat('nova', { viewer: 'v', source: 'direct' }, null, f);
    expect(calls[0]?.[0]).toBe('/api/v1/channels/nova/watch');
    expect(calls[0]?.[1].keepalive).toBe(true);
    expect(JSON.parse(String(calls[0]?.[1].body))).toEqual({ viewer: 'v', source: 'direct', ended: true });
    expect((calls[0]?.[1].headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect((calls[1]?.[1].headers as Record<string, string>).Authorization).toBeUndefined();
  });
});

describe('viewer id', () => {
  it('is kept in storage and reused', () => {
    const store = new Map<string, string>();
    const s = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const a = stableViewerId(s);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(stableViewerId(s)).toBe(a);
    store.set('aethex.viewer', 'bad id!');
    expect(stableViewerId(s)).not.toBe('bad id!');
  });
});

describe('traffic source', () => {
  const host = 'live.example:8080';
  const at = (search: string, arrival: Parameters<typeof detectSource>[0]['arrival'], referrer = '') => detectSource({ search, arrival, referrer, host });

  it('maps directory pages to sources', () => {
    expect(sourceOfPath('/')).toBe('browse');
    expect(sourceOfPath('/browse?category=Art')).toBe('browse');
    expect(sourceOfPath('/search?q=x')).toBe('search');
    expect(sourceOfPath('/following')).toBe('following');
    expect(sourceOfPath('/inbox')).toBe('notification');
    expect(sourceOfPath('/c/other')).toBeNull();
  });
  it('takes ?src= over everything, and ?raid= over the arrival', () => {
    expect(at('?src=search', { fromPath: '/following' })).toEqual({ source: 'search' });
    expect(at('?src=bogus', null)).toEqual({ source: 'direct' });
    expect(at('?raid=vega', { fromPath: '/' })).toEqual({ source: 'raid' });
  });
  it('uses the client-side arrival: the link container first, then the page left', () => {
    expect(at('', { fromPath: '/browse', source: 'notification' })).toEqual({ source: 'notification' });
    expect(at('', { fromPath: '/search?q=n' })).toEqual({ source: 'search' });
    expect(at('', { fromPath: '/c/other' })).toEqual({ source: 'direct' });
    expect(at('', { fromPath: null }, 'https://elsewhere.org/x')).toEqual({ source: 'direct' });
  });
  it('reads the referrer on a page load', () => {
    expect(at('', null, 'https://news.example.com/post/1')).toEqual({ source: 'external', referrer: 'news.example.com' });
    expect(at('', null, 'http://live.example:8080/following')).toEqual({ source: 'following' });
    expect(at('', null, 'http://live.example:8080/c/x')).toEqual({ source: 'direct' });
    expect(at('', null, '')).toEqual({ source: 'direct' });
  });
});
