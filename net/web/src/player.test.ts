import { describe, expect, it } from 'vitest';
import { ArrivalGaps, hlsConfigFor, playbackOrder, retryDelayMs, sourcesFor, wsCatchUp } from './player';

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
    expect(wsCatchUp(1.4)).toEqual({ jump: true, rate: 1, target: 0.25 });
  });
  it('plays faster above the 0.25 s target, normally at it, slower when nearly dry', () => {
    expect(wsCatchUp(0.6).rate).toBe(1.1);
    expect(wsCatchUp(0.3)).toEqual({ jump: false, rate: 1, target: 0.25 });
    expect(wsCatchUp(0.05).rate).toBe(0.95);
  });
  it('raises the target by the burst gap, so a batch just arrived is not being behind', () => {
    // 0.5 s batches: the buffer swings from ~0.25 s to ~0.65 s between arrivals.
    expect(wsCatchUp(0.65, 0.4)).toEqual({ jump: false, rate: 1, target: 0.65 });
    expect(wsCatchUp(0.6).rate).toBe(1.1);  // the same buffer without bursts is behind
    expect(wsCatchUp(0.9, 0.4).rate).toBe(1.1);
    expect(wsCatchUp(1.3, 0.4).jump).toBe(false);
    expect(wsCatchUp(1.5, 0.4).jump).toBe(true);
  });
});

describe('ArrivalGaps', () => {
  it('is zero while fragments arrive one by one', () => {
    const g = new ArrivalGaps();
    for (let t = 0; t <= 3000; t += 100) g.arrived(t + (t % 300 === 0 ? 8 : 0));
    expect(g.burstGap()).toBeLessThan(0.02);
  });
  it('measures batches, and forgets them five seconds after they stop', () => {
    const g = new ArrivalGaps();
    for (let t = 0; t <= 3000; t += 500) for (let k = 0; k < 5; k++) g.arrived(t + k);
    expect(g.burstGap()).toBeCloseTo(0.396, 2);
    for (let t = 3100; t <= 9000; t += 100) g.arrived(t);
    expect(g.burstGap()).toBeCloseTo(0, 5);
  });
  it('never asks for more than a second of extra buffer', () => {
    const g = new ArrivalGaps();
    g.arrived(0);
    g.arrived(4000);
    expect(g.burstGap()).toBe(1);
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
