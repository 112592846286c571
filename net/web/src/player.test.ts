import { describe, expect, it } from 'vitest';
import { hlsConfigFor, playbackOrder, retryDelayMs } from './player';

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
