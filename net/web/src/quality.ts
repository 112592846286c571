// Renditions and quality choice. The node's master playlist (`/hls/<ch>/master.m3u8`) lists the
// source and any transcoded renditions; hls.js switches among them itself (its bandwidth ABR),
// and the WebSocket path uses the rule below.

export interface Rendition {
  /** "source" or a rendition name such as "480p". */
  name: string;
  bandwidth: number;
  height: number;
}

/** The variants of a master playlist, in the playlist's order (source first). */
export function parseMaster(text: string): Rendition[] {
  const out: Rendition[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) continue;
    const attr = (key: string) => new RegExp(`(?:^|,)${key}=("[^"]*"|[^,]*)`).exec(line.slice(18))?.[1]?.replace(/"/g, '');
    const height = Number(attr('RESOLUTION')?.split('x')[1] ?? 0);
    out.push({ name: attr('NAME') ?? `${height}p`, bandwidth: Number(attr('BANDWIDTH') ?? 0), height });
  }
  return out;
}

/** Label of a choice in the quality menu. */
export function qualityLabel(r: Rendition): string {
  return r.name === 'source' ? `Source${r.height ? ` (${r.height}p)` : ''}` : r.name;
}

/**
 * The WebSocket path's automatic choice. A push stream carries exactly the rendition's bitrate,
 * so its throughput says nothing about spare capacity; trouble does: the server skipping this
 * viewer ahead (its queue overflowed) or a stall steps one rendition down at once. After
 * `probeAfterMs` without trouble it probes one step up; trouble within `probeWindowMs` of a probe
 * steps back down and doubles the wait before the next probe (up to `maxProbeAfterMs`).
 */
export class WsAbr {
  private index = 0;
  private lastChange: number;
  private probeAt: number | null = null;
  private wait: number;

  constructor(
    private renditions: Rendition[],
    now: number,
    probeAfterMs = 15000,
    private readonly probeWindowMs = 10000,
    private readonly maxProbeAfterMs = 120000,
  ) {
    this.lastChange = now;
    this.wait = probeAfterMs;
  }

  /** The rendition to play now. */
  get current(): Rendition | undefined {
    return this.renditions[this.index];
  }

  /** A new list from the master playlist (renditions appear a few seconds after going live). */
  update(renditions: Rendition[]): void {
    const name = this.current?.name;
    this.renditions = renditions;
    const found = renditions.findIndex((r) => r.name === name);
    this.index = found >= 0 ? found : 0;
  }

  /** The viewer fell behind (server skip or stall): one step down. Returns the new choice if it changed. */
  trouble(now: number): Rendition | null {
    if (this.probeAt !== null && now - this.probeAt < this.probeWindowMs) this.wait = Math.min(this.wait * 2, this.maxProbeAfterMs);
    this.probeAt = null;
    if (this.index >= this.renditions.length - 1) return null;
    this.index += 1;
    this.lastChange = now;
    return this.current ?? null;
  }

  /** Called periodically: one step up after a quiet period. Returns the new choice if it changed. */
  tick(now: number): Rendition | null {
    if (this.index === 0 || now - this.lastChange < this.wait) return null;
    this.index -= 1;
    this.lastChange = now;
    this.probeAt = now;
    return this.current ?? null;
  }
}
