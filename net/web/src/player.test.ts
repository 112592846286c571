import { describe, expect, it } from 'vitest';
import { hlsConfigFor, playbackOrder, retryDelayMs, sourcesFor, wsCatchUp } from './player';

describe('playbackOrder', () => {
  it('tries WebSocket, then LL-HLS, then HLS by default', () => {
    expect(playbackOrder('')).toEqual(['ws', 'll-hls', 'hls.js']);
    expect(playbackOrder('?other=1')).toEqual(['ws', 'll-hls', 'hls.js']);
  });
  it('pins one path with ?player=', () => {
    expect(playbackOrder('?player=ws')).toEqual(['ws']);
    expect(playbackOrder('?player=llhls')).toEqual(['ll-hls']);
    expect(playbackOrder('?x=1&player=LL-HLS')).toEqual(['ll-hls']);
    expect(playbackOrder('?player=hls')).toEqual(['hls.js']);
  });
  it('ignores unknown values', () => {
    expect(playbackOrder('?player=dash')).toEqual(['ws', 'll-hls', 'hls.js']);
  });
});

describe('retryDelayMs', () => {
  it('backs off to 2 s', () => {
    expect([0, 1, 2, 5].map(retryDelayMs)).toEqual([500, 1000, 2000, 2000]);
  });
});

describe('hlsConfigFor', () => {
  it('keeps PART-HOLD-BACK as the LL-HLS target latency', () => {
    const ll = hlsConfigFor(true);
    expect(ll.lowLatencyMode).toBe(true);
    expect('liveSyncDurationCount' in ll).toBe(false);
    expect('liveMaxLatencyDurationCount' in ll).toBe(false);
  });
  it('holds two segments back on plain HLS', () => {
    expect(hlsConfigFor(false)).toMatchObject({ lowLatencyMode: false, liveSyncDurationCount: 2 });
  });
});

describe('wsCatchUp', () => {
  it('jumps when more than a second behind the newest frame', () => {
    expect(wsCatchUp(1.4)).toEqual({ jump: true, rate: 1 });
  });
  it('plays faster above the 0.25 s target, normally at it, slower when nearly dry', () => {
    expect(wsCatchUp(0.6).rate).toBe(1.1);
    expect(wsCatchUp(0.3)).toEqual({ jump: false, rate: 1 });
    expect(wsCatchUp(0.05).rate).toBe(0.95);
  });
});

describe('sourcesFor', () => {
  it('plays the master playlists and sends the viewer id, so polling counts one viewer per tab', () => {
    const s = sourcesFor('/hls/alice/index.m3u8', 'abc123');
    expect(s.hls).toBe('/hls/alice/master.m3u8?vid=abc123');
    expect(s.ll).toBe('/hls/alice/ll-master.m3u8?vid=abc123');
    expect(s.master).toBe('/hls/alice/master.m3u8');
  });
  it('leaves other URLs as they are', () => {
    expect(sourcesFor('https://cdn.example/x.m3u8')).toEqual({ ws: null, ll: null, hls: 'https://cdn.example/x.m3u8', master: null });
  });
});
