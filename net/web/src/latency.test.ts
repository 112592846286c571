import { describe, expect, it } from 'vitest';
import { formatLatency, wsLatencySeconds } from './latency';

describe('wsLatencySeconds', () => {
  it('is null without a clock sample', () => {
    expect(wsLatencySeconds(null, 10, 1000)).toBeNull();
  });
  it('maps media time to wall time through the last sample', () => {
    // Frame at t=12 was live at wall 5000 + 2000 ms; shown at 7600 ms → 0.6 s behind.
    expect(wsLatencySeconds({ t: 10, wall: 5000 }, 12, 7600)).toBeCloseTo(0.6, 5);
  });
  it('never reports negative latency', () => {
    expect(wsLatencySeconds({ t: 10, wall: 5000 }, 12, 6000)).toBe(0);
  });
});

describe('formatLatency', () => {
  it('formats seconds with one decimal', () => {
    expect(formatLatency(0.64)).toBe('0.6 s');
    expect(formatLatency(null)).toBe('–');
  });
});
