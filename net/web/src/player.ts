// Live playback controller. Tries the lowest-latency path first and falls back:
//   1. WebSocket fMP4 (`/ws/media/<ch>[/<rendition>]`) into Media Source Extensions (sub-second),
//   2. LL-HLS (`/hls/<ch>/ll-master.m3u8`) with hls.js in low-latency mode,
//   3. HLS (`/hls/<ch>/master.m3u8`, hls.js or native).
// Quality: "auto" lets hls.js's bandwidth ABR (HLS paths) or WsAbr (WebSocket) pick among the
// master playlist's renditions; a rendition's name pins it.
// Retries while the stream is not yet available and exposes live stats (mode, latency) on
// window.__aethexPlayer for diagnostics and browser tests. The page's `?player=ws|llhls|hls`
// query option pins one path (no fallback), for tests and troubleshooting.
import Hls, { type ErrorData, type HlsConfig } from 'hls.js';
import { firstRendition } from './flacChoice';
import { wsLatencySeconds, type ClockSample } from './latency';
import type { Rendition } from './quality';
import { startWsPlayback } from './wsPlayback';

export { ArrivalGaps, wsCatchUp } from './wsPlayback';

export type PlaybackMode = 'ws' | 'll-hls' | 'hls.js' | 'native' | 'none';

export interface PlayerCallbacks {
  /** Video is rendering frames. */
  onPlaying(): void;
  /** Playback lost (retrying, stalled source); UI should show loading. */
  onBuffering(): void;
  /** Browser can play neither via MSE nor natively. */
  onUnsupported(): void;
  /** The playing stream has sound but no picture (radio, DJ sets, podcasts), or has a picture. */
  onLayout?(audioOnly: boolean): void;
  /** The renditions on offer, the viewer's choice ("auto" or a name) and the one playing. */
  onQuality?(renditions: Rendition[], choice: string, playing: string | null): void;
}

export interface PlayerDebug {
  mode: PlaybackMode;
  url: string | null;
  hls: Hls | null;
  retries: number;
  /** Modes tried for the current load, in order. */
  tried: PlaybackMode[];
  /** Paths this player may use, in order (one when pinned with `?player=`). */
  order: PlaybackMode[];
  /** WebSocket path: times the server made us skip ahead to a keyframe. */
  wsSkips: number;
  /** Times playback stalled (the video waited for data) after it had started. */
  stalls: number;
  /** The stream playing has no video track. */
  audioOnly: boolean;
  /** Seconds from live (capture at the server) to the frame on screen. */
  readonly latency: number | null;
  /** Renditions on offer (source first), the choice ("auto" or a name), the one playing. */
  qualities: Rendition[];
  quality: string;
  rendition: string | null;
  /** WebSocket path: rendition switches made (automatic or chosen). */
  wsSwitches: number;
}

declare global {
  interface Window {
    __aethexPlayer?: PlayerDebug;
  }
}

export const HLS_CONFIG: Partial<HlsConfig> = {
  lowLatencyMode: true,
  liveSyncDurationCount: 2,
  liveMaxLatencyDurationCount: 6,
  maxLiveSyncPlaybackRate: 1.5,
  liveDurationInfinity: true,
  backBufferLength: 30,
  enableWorker: true,
};

/**
 * hls.js settings of one path. LL-HLS leaves the target latency to the playlist's
 * PART-HOLD-BACK (hls.js lets a configured liveSyncDurationCount override it, and then
 * refuses a liveMaxLatencyDurationCount without it); catch-up playback still applies.
 */
export function hlsConfigFor(lowLatency: boolean): Partial<HlsConfig> {
  if (!lowLatency) return { ...HLS_CONFIG, lowLatencyMode: false };
  const { liveSyncDurationCount: _sync, liveMaxLatencyDurationCount: _max, ...ll } = HLS_CONFIG;
  return ll;
}

/** Delay before re-creating the player after a fatal error (capped backoff). */
export function retryDelayMs(attempt: number): number {
  return Math.min(500 * 2 ** Math.max(0, attempt), 2000);
}

/**
 * This tab's viewer id, sent with playlist requests so the node counts one viewer per tab
 * however often it polls (kept in sessionStorage: a reload is the same viewer).
 */
export function viewerId(): string {
  const key = 'aethex.vid';
  try {
    const known = sessionStorage.getItem(key);
    if (known && /^[A-Za-z0-9_-]{1,32}$/.test(known)) return known;
    const fresh = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
    sessionStorage.setItem(key, fresh);
    return fresh;
  } catch {
    return '';
  }
}

/**
 * The playback URLs of a channel, derived from its HLS playlist URL: the WebSocket base (a
 * rendition's name is appended as a path segment), the LL-HLS and HLS master playlists, and
 * the master playlist the WebSocket path reads its renditions from.
 */
export function sourcesFor(
  hlsUrl: string,
  vid = '',
): { ws: string | null; ll: string | null; hls: string; master: string | null } {
  const m = /^(.*)\/hls\/([^/]+)\/index\.m3u8$/.exec(hlsUrl);
  if (!m) return { ws: null, ll: null, hls: hlsUrl, master: null };
  const [, prefix, channel] = m;
  const query = vid ? `?vid=${vid}` : '';
  let ws: string | null = null;
  if (typeof location !== 'undefined') {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = `${scheme}//${location.host}${prefix}/ws/media/${channel}`;
  }
  const base = `${prefix}/hls/${channel}`;
  return { ws, ll: `${base}/ll-master.m3u8${query}`, hls: `${base}/master.m3u8${query}`, master: `${base}/master.m3u8` };
}


const DEFAULT_ORDER: PlaybackMode[] = ['ws', 'll-hls', 'hls.js'];
const PINNED: Record<string, PlaybackMode> = { ws: 'ws', llhls: 'll-hls', 'll-hls': 'll-hls', hls: 'hls.js' };

/** Playback paths to try, in order: all three, or the one pinned by `?player=ws|llhls|hls`. */
export function playbackOrder(search: string): PlaybackMode[] {
  const pinned = new URLSearchParams(search).get('player');
  const mode = pinned ? PINNED[pinned.toLowerCase()] : undefined;
  return mode ? [mode] : [...DEFAULT_ORDER];
}

export interface Player {
  /** Starts (or keeps) playing the channel whose HLS playlist is `url`. */
  load(url: string): void;
  /** Detaches the source; the player can load again later. */
  stop(): void;
  /** Stops and releases listeners; the player must not be used afterwards. */
  destroy(): void;
  /** "auto" or a rendition's name (see onQuality). */
  setQuality(choice: string): void;
  readonly mode: PlaybackMode;
  readonly latency: number | null;
}

export function createPlayer(video: HTMLVideoElement, cb: PlayerCallbacks): Player {
  let hls: Hls | null = null;
  let url: string | null = null;
  let mode: PlaybackMode = 'none';
  let tried: PlaybackMode[] = [];
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retries = 0;
  let mediaRecoveries = 0;
  let wsCleanup: (() => void) | null = null;
  let wsSkips = 0;
  let stalls = 0;
  let audioOnly = false;
  let clock: ClockSample | null = null;
  let qualities: Rendition[] = [];
  let quality = 'auto';
  let rendition: string | null = null;
  let wsSwitches = 0;
  // The WebSocket path's switch to another rendition (set while it runs).
  let wsSelect: ((name: string) => void) | null = null;
  const order = playbackOrder(typeof location !== 'undefined' ? location.search : '');

  const latency = (): number | null => {
    if (mode === 'ws') return wsLatencySeconds(clock, video.currentTime, Date.now());
    if (hls) {
      const playing = hls.playingDate;
      if (mode === 'll-hls' && playing) return Math.max(0, (Date.now() - playing.getTime()) / 1000);
      if (Number.isFinite(hls.latency) && hls.latency > 0) return hls.latency;
    }
    const b = video.buffered;
    if (b.length === 0) return null;
    return Math.max(0, b.end(b.length - 1) - video.currentTime);
  };

  const debug: PlayerDebug = {
    get mode() {
      return mode;
    },
    get url() {
      return url;
    },
    get hls() {
      return hls;
    },
    get retries() {
      return retries;
    },
    get tried() {
      return tried;
    },
    get order() {
      return order;
    },
    get wsSkips() {
      return wsSkips;
    },
    get stalls() {
      return stalls;
    },
    get audioOnly() {
      return audioOnly;
    },
    get latency() {
      return latency();
    },
    get qualities() {
      return qualities;
    },
    get quality() {
      return quality;
    },
    get rendition() {
      return rendition;
    },
    get wsSwitches() {
      return wsSwitches;
    },
  };
  window.__aethexPlayer = debug;
  const announceQuality = () => cb.onQuality?.(qualities, quality, rendition);

  // A stream without a video track plays in the same element with a 0×0 picture.
  const onLayout = () => {
    const noPicture = video.readyState >= 1 && video.videoWidth === 0;
    if (noPicture !== audioOnly) {
      audioOnly = noPicture;
      cb.onLayout?.(audioOnly);
    }
  };
  const onPlaying = () => {
    retries = 0;
    onLayout();
    cb.onPlaying();
  };
  video.addEventListener('playing', onPlaying);
  video.addEventListener('loadedmetadata', onLayout);
  video.addEventListener('resize', onLayout);

  const tryPlay = () => {
    video.muted = true;
    void video.play().catch(() => {
      /* autoplay refused or interrupted by a reload; the next load retries */
    });
  };

  const clearRetry = () => {
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
  };

  const teardown = () => {
    clearRetry();
    if (wsCleanup) {
      wsCleanup();
      wsCleanup = null;
    }
    if (hls) {
      hls.destroy();
      hls = null;
    }
    if (mode === 'native' || mode === 'ws') {
      video.removeAttribute('src');
      video.load();
    }
    video.playbackRate = 1;
    clock = null;
    wsSelect = null;
    rendition = null;
  };

  const scheduleRestart = () => {
    teardown();
    cb.onBuffering();
    const delay = retryDelayMs(retries);
    retries += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (url) start(url, 0);
    }, delay);
  };

  // Next mode in the chain after `current` failed before playing; restart when none is left.
  const fallBack = (step: number) => {
    if (!url) return;
    teardown();
    if (step >= order.length) scheduleRestart();
    else start(url, step);
  };

  function startWs(wsBase: string, masterUrl: string | null, step: number): void {
    mode = 'ws';
    // DJ mode: the lossless FLAC rendition first where the browser plays it (flacChoice.ts).
    const first = firstRendition(decodeURIComponent(wsBase.slice(wsBase.lastIndexOf('/') + 1)));
    const ws = startWsPlayback(wsBase, masterUrl, {
      video,
      quality: () => quality,
      rendition: () => rendition,
      tryPlay,
      failed: (played) => (played ? scheduleRestart() : fallBack(step + 1)),
      clock: (sample) => {
        clock = sample;
      },
      skipped: () => {
        wsSkips += 1;
      },
      stalled: () => {
        stalls += 1;
      },
      playing: (name, switched) => {
        rendition = name;
        if (switched) wsSwitches += 1;
        announceQuality();
      },
      offered: (list) => {
        if (JSON.stringify(list) === JSON.stringify(qualities)) return;
        qualities = list;
        announceQuality();
      },
    }, first);
    wsSelect = ws.select;
    wsCleanup = ws.close;
  }

  function startHls(src: string, step: number, lowLatency: boolean): void {
    mode = lowLatency ? 'll-hls' : 'hls.js';
    mediaRecoveries = 0;
    let played = false;
    const h = new Hls(hlsConfigFor(lowLatency));
    hls = h;
    h.on(Hls.Events.ERROR, (_ev: string, data: ErrorData) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaRecoveries < 3 && hls) {
        mediaRecoveries += 1;
        hls.recoverMediaError();
        return;
      }
      // LL-HLS that never played falls back to plain HLS; otherwise start over after a backoff
      // (manifest 404 while the encoder warms up, reload failures, …).
      if (lowLatency && !played) fallBack(step + 1);
      else scheduleRestart();
    });
    h.on(Hls.Events.FRAG_BUFFERED, () => {
      played = true;
    });
    h.on(Hls.Events.MANIFEST_PARSED, () => {
      qualities = h.levels.map((l) => ({ name: l.name || `${l.height}p`, bandwidth: l.bitrate, height: l.height }));
      const pinned = qualities.findIndex((q) => q.name === quality);
      if (pinned >= 0) h.currentLevel = pinned;
      announceQuality();
      tryPlay();
    });
    h.on(Hls.Events.LEVEL_SWITCHED, (_ev: string, data: { level: number }) => {
      rendition = qualities[data.level]?.name ?? null;
      announceQuality();
    });
    h.attachMedia(video);
    h.loadSource(src);
  }

  function start(src: string, step: number): void {
    const sources = sourcesFor(src, viewerId());
    for (let i = step; i < order.length; i++) {
      const m = order[i];
      if (m === 'ws' && sources.ws && typeof WebSocket !== 'undefined' && typeof MediaSource !== 'undefined') {
        tried.push('ws');
        return startWs(sources.ws, sources.master, i);
      }
      if (m === 'll-hls' && sources.ll && Hls.isSupported()) {
        tried.push('ll-hls');
        return startHls(sources.ll, i, true);
      }
      if (m === 'hls.js') {
        if (Hls.isSupported()) {
          tried.push('hls.js');
          return startHls(sources.hls, i, false);
        }
        if (video.canPlayType('application/vnd.apple.mpegurl')) {
          mode = 'native';
          tried.push('native');
          video.src = sources.hls;
          tryPlay();
          return;
        }
      }
    }
    mode = 'none';
    cb.onUnsupported();
  }

  const onNativeError = () => {
    if (mode === 'native' && url) scheduleRestart();
  };
  video.addEventListener('error', onNativeError);

  return {
    get mode() {
      return mode;
    },
    get latency() {
      return latency();
    },
    load(src: string) {
      if (url === src && (hls || retryTimer || wsCleanup || mode === 'native')) return;
      teardown();
      url = src;
      retries = 0;
      tried = [];
      qualities = [];
      announceQuality();
      cb.onBuffering();
      start(src, 0);
    },
    setQuality(choice: string) {
      quality = choice;
      if (wsSelect) wsSelect(choice);
      else if (hls) hls.currentLevel = choice === 'auto' ? -1 : qualities.findIndex((q) => q.name === choice);
      announceQuality();
    },
    stop() {
      url = null;
      teardown();
      qualities = [];
      announceQuality();
      mode = 'none';
    },
    destroy() {
      this.stop();
      video.removeEventListener('playing', onPlaying);
      video.removeEventListener('loadedmetadata', onLayout);
      video.removeEventListener('resize', onLayout);
      video.removeEventListener('error', onNativeError);
      if (window.__aethexPlayer === debug) delete window.__aethexPlayer;
    },
  };
}
