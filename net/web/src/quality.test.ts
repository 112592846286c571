import { describe, expect, it } from 'vitest';
import { parseMaster, qualityLabel, WsAbr, type Rendition } from './quality';

const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=2770993,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",NAME="source"
index.m3u8?vid=a
#EXT-X-STREAM-INF:BANDWIDTH=1360000,RESOLUTION=854x480,CODECS="avc1.64001f,mp4a.40.2",NAME="480p"
r/480p/index.m3u8?vid=a
#EXT-X-STREAM-INF:BANDWIDTH=410000,RESOLUTION=284x160,CODECS="avc1.64000c,mp4a.40.2",NAME="160p"
r/160p/index.m3u8?vid=a
`;

const LADDER: Rendition[] = parseMaster(MASTER);

describe('parseMaster', () => {
  it('reads name, bandwidth and height of each variant in order', () => {
    expect(LADDER).toEqual([
      { name: 'source', bandwidth: 2770993, height: 720 },
      { name: '480p', bandwidth: 1360000, height: 480 },
      { name: '160p', bandwidth: 410000, height: 160 },
    ]);
    expect(parseMaster('#EXTM3U\n')).toEqual([]);
  });
  it('labels the source with its height', () => {
    expect(LADDER.map(qualityLabel)).toEqual(['Source (720p)', '480p', '160p']);
  });
});

describe('WsAbr', () => {
  it('starts at the source and steps down on trouble, not below the smallest', () => {
    const abr = new WsAbr(LADDER, 0);
    expect(abr.current?.name).toBe('source');
    expect(abr.trouble(1000)?.name).toBe('480p');
    expect(abr.trouble(2000)?.name).toBe('160p');
    expect(abr.trouble(3000)).toBeNull();
  });
  it('probes one step up after a quiet period', () => {
    const abr = new WsAbr(LADDER, 0, 15000);
    abr.trouble(0);
    expect(abr.tick(14999)).toBeNull();
    expect(abr.tick(15000)?.name).toBe('source');
    expect(abr.tick(60000)).toBeNull();  // already at the top
  });
  it('backs off when a probe fails soon after it started', () => {
    const abr = new WsAbr(LADDER, 0, 15000, 10000);
    abr.trouble(0);
    abr.tick(15000);                        // probe up to source
    expect(abr.trouble(18000)?.name).toBe('480p');  // failed within the window
    expect(abr.tick(18000 + 15000)).toBeNull();     // wait doubled to 30 s
    expect(abr.tick(18000 + 30000)?.name).toBe('source');
  });
  it('keeps the choice when the list changes', () => {
    const abr = new WsAbr(LADDER.slice(0, 1), 0);
    abr.update(LADDER);
    expect(abr.current?.name).toBe('source');
    abr.trouble(1);
    abr.update(LADDER.filter((r) => r.name !== '480p'));
    expect(abr.current?.name).toBe('source');
  });
});
