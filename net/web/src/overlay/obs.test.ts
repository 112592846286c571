import { describe, expect, it } from 'vitest';
import { isOverlayKind, OVERLAY_KINDS, parseNowPlaying, parseNowPlayingFrame, parseOverlayList, sceneCollection } from './obsApi';
import { parseRoute } from '../router';

const answer = {
  token: 'ab'.repeat(32),
  overlays: [
    { kind: 'chat', title: 'Chat', path: '/overlay/nova/chat?token=x', url: '/overlay/nova/chat?token=x', width: 400, height: 600 },
    { kind: 'goals', title: 'Goals', path: '/overlay/nova/goals?token=x', url: 'https://live.example/overlay/nova/goals?token=x', width: 1280, height: 160 },
    { kind: 'scoreboard', title: 'not ours', path: '/x', url: '/x', width: 1, height: 1 },
  ],
  now_playing: { title: 'Song', artist: 'Band', at_ms: 1 },
};

describe('obs overlays', () => {
  it('parses the owner list; a relative url is made absolute; unknown kinds are dropped', () => {
    const l = parseOverlayList(answer, 'http://localhost:8080');
    expect(l.overlays.map((o) => o.kind)).toEqual(['chat', 'goals']);
    expect(l.overlays[0]!.url).toBe('http://localhost:8080/overlay/nova/chat?token=x');
    expect(l.overlays[1]!.url).toBe('https://live.example/overlay/nova/goals?token=x');
    expect(l.nowPlaying).toEqual({ title: 'Song', artist: 'Band' });
    expect(() => parseOverlayList({}, '')).toThrow();
  });
  it('reads now playing and its frames; an empty title is nothing playing', () => {
    expect(parseNowPlaying(null)).toBeNull();
    expect(parseNowPlaying({ title: '', artist: 'x' })).toBeNull();
    expect(parseNowPlayingFrame({ type: 'msg' })).toBeNull();
    expect(parseNowPlayingFrame({ type: 'now_playing', title: '', artist: '' })).toEqual({ nowPlaying: null });
    expect(parseNowPlayingFrame({ type: 'now_playing', title: 'A' })).toEqual({ nowPlaying: { title: 'A', artist: '' } });
  });
  it('routes every kind to the overlay page', () => {
    for (const k of OVERLAY_KINDS) expect(parseRoute(`/overlay/nova/${k}?token=abc`)).toEqual({ kind: 'overlay', channel: 'nova', widget: k });
    expect(isOverlayKind('poll')).toBe(false);  // the older token-less widget
    expect(parseRoute('/overlay/nova/scoreboard').kind).toBe('not_found');
  });
  it('builds a scene collection with one browser source per overlay at its size', () => {
    const l = parseOverlayList(answer, 'http://h');
    const c = sceneCollection('nova', l.overlays) as { sources: { id: string; settings: Record<string, unknown> }[]; current_scene: string };
    const browsers = c.sources.filter((s) => s.id === 'browser_source');
    expect(browsers).toHaveLength(2);
    expect(browsers[0]!.settings).toMatchObject({ url: 'http://h/overlay/nova/chat?token=x', width: 400, height: 600, shutdown: false, css: '' });
    expect(c.sources.find((s) => s.id === 'scene')!.settings.items).toHaveLength(2);
    expect(c.current_scene).toBe('AeThex nova');
  });
});
