// The WebSocket playback path: fMP4 fragments from `/ws/media/<ch>[/<rendition>]` appended to a
// MediaSource, kept near the live edge by a catch-up rule, with renditions from the master
// playlist chosen by WsAbr (or pinned by the viewer) and switched without emptying the buffer.
import { parseMaster, WsAbr, type Rendition } from './quality';
import type { ClockSample } from './latency';

/** A WebSocket viewer that never starts playing within this time falls back to LL-HLS. */
const WS_START_TIMEOUT_MS = 6000;
/** Keep the WebSocket player this close to the newest buffered frame (plus the arrival gap). */
const WS_TARGET_BUFFER_S = 0.25;
/** Further behind than this (plus the arrival gap) the WebSocket player jumps instead of catching up by speed. */
const WS_MAX_BEHIND_S = 1.0;

/**
 * The WebSocket player's catch-up rule, from the seconds buffered ahead of the playhead: jump
 * to the target when far behind, play 10 % faster while above it, and 5 % slower when the
 * buffer nearly runs dry so that a late fragment does not stall the picture. `burstGap` is how
 * much longer than a fragment's 0.1 s the media arrives in bursts (a node batches a very large
 * audience's media, and networks bunch packets): the buffer then swings by that much between
 * arrivals, so the target rises by it and a burst alone never counts as being behind.
 */
export function wsCatchUp(ahead: number, burstGap = 0): { jump: boolean; rate: number; target: number } {
  const target = WS_TARGET_BUFFER_S + burstGap;
  if (ahead > WS_MAX_BEHIND_S + burstGap) return { jump: true, rate: 1, target };
  if (ahead > target + 0.1) return { jump: false, rate: 1.1, target };
  if (ahead < 0.1) return { jump: false, rate: 0.95, target };
  return { jump: false, rate: 1, target };
}

/** How far back ArrivalGaps looks, and the most it lets the buffer grow by. */
const GAP_WINDOW_MS = 5000;
const MAX_BURST_GAP_S = 1.0;

/**
 * The longest wait between media arrivals over the last five seconds, beyond the 0.1 s a
 * fragment lasts: a jitter buffer's measure, so that batched delivery (or a bursty network)
 * sizes the buffer without the server having to announce it.
 */
export class ArrivalGaps {
  private times: number[] = [];

  /** A media message arrived at `nowMs` (performance.now()). */
  arrived(nowMs: number): void {
    this.times.push(nowMs);
    while (this.times.length > 2 && this.times[0] < nowMs - GAP_WINDOW_MS) this.times.shift();
  }

  /** Seconds by which arrivals bunch beyond one fragment (0 when they come every fragment). */
  burstGap(): number {
    let longest = 0;
    for (let i = 1; i < this.times.length; i++) longest = Math.max(longest, this.times[i] - this.times[i - 1]);
    return Math.min(MAX_BURST_GAP_S, Math.max(0, longest / 1000 - 0.1));
  }
}

/** How often the WebSocket path re-reads the master playlist (renditions start after the source). */
const MASTER_POLL_MS = 5000;

/** What the WebSocket path needs from the player around it, and tells it. */
export interface WsHost {
  video: HTMLVideoElement;
  /** The viewer's choice: "auto" or a rendition's name. */
  quality(): string;
  /** The rendition playing now (null before the first init). */
  rendition(): string | null;
  tryPlay(): void;
  /** The path ended: `played` says whether it ever played (else the player falls back). */
  failed(played: boolean): void;
  clock(sample: ClockSample): void;
  skipped(): void;
  stalled(): void;
  /** A socket's init arrived: it plays `name` now; `switched` when it replaced another. */
  playing(name: string, switched: boolean): void;
  /** The renditions on offer (master playlist). */
  offered(renditions: Rendition[]): void;
}

/**
 * Starts playing `wsBase` (`first` — the source, or the FLAC rendition in DJ mode, once known —
 * or the pinned rendition); returns its controls.
 */
export function startWsPlayback(
  wsBase: string,
  masterUrl: string | null,
  host: WsHost,
  first: string | Promise<string> = 'source',
): { select(choice: string): void; close(): void } {
  let ms: MediaSource | null = null;
  let sb: SourceBuffer | null = null;
  let sbMime = '';
  // Media in arrival order; an init segment carries its MIME type (a rendition switch may
  // change the codec string, which changeType() tells the SourceBuffer).
  const queue: { data: ArrayBuffer; mime?: string }[] = [];
  let played = false;
  let closed = false;
  let jumpToNewest = true;
  let jumpedAt = -Infinity;  // when chase() last moved the playhead
  let socket: WebSocket | null = null;  // the one whose media is appended
  const abr = new WsAbr([], performance.now());
  const gaps = new ArrivalGaps();

  const fail = () => {
    if (closed) return;
    closed = true;
    host.failed(played);
  };
  const startTimer = setTimeout(() => {
    if (!played) fail();
  }, WS_START_TIMEOUT_MS);

  const pump = () => {
    if (!sb || sb.updating || queue.length === 0 || closed) return;
    const item = queue.shift()!;
    try {
      if (item.mime && item.mime !== sbMime && typeof sb.changeType === 'function') {
        sb.changeType(item.mime);
        sbMime = item.mime;
      }
      sb.appendBuffer(item.data);
    } catch {
      fail();
    }
  };

  const openSource = (mime: string) => {
    if (typeof MediaSource === 'undefined' || !MediaSource.isTypeSupported(mime)) return fail();
    ms = new MediaSource();
    host.video.src = URL.createObjectURL(ms);
    ms.addEventListener('sourceopen', () => {
      if (!ms || closed) return;
      try {
        sb = ms.addSourceBuffer(mime);
        sbMime = mime;
      } catch {
        return fail();
      }
      sb.addEventListener('updateend', () => {
        chase();
        pump();
      });
      pump();
    });
  };

  // Opens the socket of rendition `name`. The first one plays at once; a later one takes over
  // when its init segment arrives (the old socket closes then), so a switch never empties the
  // buffer: the new rendition's GOP replaces the overlapping time on the same timeline.
  const connect = (name: string) => {
    const ws = new WebSocket(name === 'source' ? wsBase : `${wsBase}/${name}`);
    ws.binaryType = 'arraybuffer';
    if (!socket) socket = ws;
    let initMime: string | undefined;
    ws.onmessage = (ev: MessageEvent) => {
      if (closed) return;
      if (typeof ev.data === 'string') {
        const msg = JSON.parse(ev.data) as { type: string; mime?: string; t?: number; wall?: number; rendition?: string };
        if (msg.type === 'init' && msg.mime) {
          const switched = socket !== ws;
          if (switched) {
            const old = socket;
            socket = ws;
            if (old) {
              old.onclose = null;
              old.onerror = null;
              old.onmessage = null;
              old.close();
            }
          }
          host.playing(msg.rendition ?? name, switched);
          initMime = msg.mime;
          if (!ms) openSource(msg.mime);
        } else if (socket !== ws) {
          return;
        } else if (msg.type === 'clock' && msg.t !== undefined && msg.wall !== undefined) {
          host.clock({ t: msg.t, wall: msg.wall });
        } else if (msg.type === 'skip') {
          host.skipped();
          jumpToNewest = true;
          trouble();
        }
        return;
      }
      if (socket !== ws) return;
      gaps.arrived(performance.now());
      queue.push({ data: ev.data as ArrayBuffer, mime: initMime });
      initMime = undefined;
      pump();
    };
    const lost = () => {
      if (socket === ws) fail();
    };
    ws.onclose = lost;
    ws.onerror = lost;
  };
  const select = (name: string) => {
    if (!closed && name !== host.rendition()) connect(name);
  };
  const trouble = () => {
    if (host.quality() !== 'auto') return;
    const next = abr.trouble(performance.now());
    if (next) select(next.name);
  };

  // Stay at the live edge: jump over gaps (after a skip) and speed up slightly when behind.
  const chase = () => {
    if (host.quality() === 'auto') {
      const up = abr.tick(performance.now());
      if (up) select(up.name);
    }
    const b = host.video.buffered;
    if (b.length === 0) return;
    const end = b.end(b.length - 1);
    const start = b.start(b.length - 1);
    const rule = wsCatchUp(end - host.video.currentTime, gaps.burstGap());
    if (jumpToNewest || host.video.currentTime < start || rule.jump) {
      jumpedAt = performance.now();
      host.video.currentTime = Math.max(start, end - rule.target);
      jumpToNewest = false;
      host.tryPlay();
    }
    host.video.playbackRate = rule.jump ? 1 : rule.rate;
    if (sb && !sb.updating && host.video.currentTime - b.start(0) > 30) sb.remove(0, host.video.currentTime - 10);
  };
  const chaseTimer = setInterval(chase, 250);
  const onPlayingWs = () => {
    played = true;
  };
  // A stall is the picture waiting for data it should have had, not the seek of a jump.
  const onWaitingWs = () => {
    if (played && performance.now() - jumpedAt > 1000) {
      host.stalled();
      trouble();
    }
  };
  host.video.addEventListener('playing', onPlayingWs);
  host.video.addEventListener('waiting', onWaitingWs);

  // The renditions on offer, from the master playlist.
  const readMaster = () => {
    if (!masterUrl || closed) return;
    fetch(masterUrl)
      .then((r) => (r.ok ? r.text() : ''))
      .then((text) => {
        if (closed || !text) return;
        const list = parseMaster(text);
        abr.update(list);
        host.offered(list);
      })
      .catch(() => {
        /* the next poll tries again */
      });
  };
  readMaster();
  const masterTimer = setInterval(readMaster, MASTER_POLL_MS);

  const begin = (name: string) => {
    if (!closed && !socket) connect(host.quality() === 'auto' ? name : host.quality());
  };
  if (typeof first === 'string') begin(first);
  else first.then(begin, () => begin('source'));

  const close = () => {
    closed = true;
    clearTimeout(startTimer);
    clearInterval(chaseTimer);
    clearInterval(masterTimer);
    host.video.removeEventListener('playing', onPlayingWs);
    host.video.removeEventListener('waiting', onWaitingWs);
    if (socket) {
      socket.onclose = null;
      socket.onerror = null;
      socket.onmessage = null;
      socket.close();
    }
    if (ms && ms.readyState === 'open') {
      try {
        ms.endOfStream();
      } catch {
        /* already ended */
      }
    }
  };
    return {
    select: (choice: string) => select(choice === 'auto' ? abr.current?.name ?? 'source' : choice),
    close,
  };
}
