import { describe, expect, it } from 'vitest';
import { alsoLive, channelsToAsk, parseMemberLive, STRIP_CHANNELS_MAX, STRIP_SHOWN_MAX } from './live';

describe('org strip on the channel page', () => {
  it('reads the org live list defensively', () => {
    expect(parseMemberLive({ live: [{ channel: 'b', streamer: 'mia', since_ms: 5 }, { channel: 3 }, { streamer: 'x' }, null] })).toEqual([
      { channel: 'b', streamer: 'mia', since_ms: 5 },
    ]);
    expect(parseMemberLive(null)).toEqual([]);
    expect(parseMemberLive({ live: 'no' })).toEqual([]);
  });

  it('asks about the other channels only, bounded', () => {
    expect(channelsToAsk(['a', 'b', 'a', 'c'], 'a')).toEqual(['b', 'c']);
    expect(channelsToAsk(Array.from({ length: 50 }, (_, i) => `c${i}`), 'x')).toHaveLength(STRIP_CHANNELS_MAX);
  });

  it('lists the other live channels, most watched first, naming member streamers', () => {
    const ch = (name: string, live: boolean, viewers: number) => ({ name, title: `T ${name}`, live, viewers });
    const got = alsoLive('a', [ch('a', true, 99), ch('b', true, 1), ch('c', false, 50), ch('d', true, 7), ch('e', true, 1)], [
      { channel: 'b', streamer: 'mia', since_ms: 1 },
      { channel: 'c', streamer: 'zed', since_ms: 1 },
    ]);
    expect(got).toEqual([
      { channel: 'd', title: 'T d', viewers: 7, streamer: null },
      { channel: 'b', title: 'T b', viewers: 1, streamer: 'mia' },
      { channel: 'e', title: 'T e', viewers: 1, streamer: null },
    ]);
    const many = Array.from({ length: 10 }, (_, i) => ch(`c${i}`, true, i));
    expect(alsoLive('x', many, [])).toHaveLength(STRIP_SHOWN_MAX);
  });
});
