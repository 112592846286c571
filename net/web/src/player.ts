// HLS playback controller: attaches hls.js (or native HLS) to a <video>,
// retries while the playlist is not yet available, and exposes live stats on
// window.__aethexPlayer for diagnostics and browser tests.
import Hls, { type ErrorData, type HlsConfig } from 'hls.js';

export type PlaybackMode = 'hls.js' | 'native' | 'none';

export interface PlayerCallbacks {
  /** Video is rendering frames. */
  onPlaying(): void;
  /** Playback lost (retrying, stalled source); UI should show loading. */
  onBuffering(): void;
  /** Browser can play neither via MSE nor natively. */
  onUnsupported(): void;
}

export interface PlayerDebug {
  mode: PlaybackMode;
  url: string | null;
  hls: Hls | null;
  retries: number;
  /** Seconds behind live edge: hls.latency, or buffered end - currentTime. */
  readonly latency: number | null;
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

/** Delay before re-creating the player after a fatal error (capped backoff). */
export function retryDelayMs(attempt: number): number {
  return Math.min(500 * 2 ** Math.max(0, attempt), 2000);
}

export interface Player {
  /** Starts (or keeps) playing `url`; no-op if already loading it. */
  load(url: string): void;
  /** Detaches the source; the player can load again later. */
  stop(): void;
  /** Stops and releases listeners; the player must not be used afterwards. */
  destroy(): void;
  readonly mode: PlaybackMode;
}

export function createPlayer(video: HTMLVideoElement, cb: PlayerCallbacks): Player {
  let hls: Hls | null = null;
  let url: string | null = null;
  let mode: PlaybackMode = 'none';
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let retries = 0;
  let mediaRecoveries = 0;

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
    get latency() {
      if (hls && Number.isFinite(hls.latency) && hls.latency > 0) return hls.latency;
      const b = video.buffered;
      if (b.length === 0) return null;
      return Math.max(0, b.end(b.length - 1) - video.currentTime);
    },
  };
  window.__aethexPlayer = debug;

  const onPlaying = () => {
    retries = 0;
    cb.onPlaying();
  };
  video.addEventListener('playing', onPlaying);

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
    if (hls) {
      hls.destroy();
      hls = null;
    }
    if (mode === 'native') {
      video.removeAttribute('src');
      video.load();
    }
  };

  const scheduleRestart = () => {
    teardown();
    cb.onBuffering();
    const delay = retryDelayMs(retries);
    retries += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (url) start(url);
    }, delay);
  };

  const onHlsError = (_ev: string, data: ErrorData) => {
    if (!data.fatal) return;
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaRecoveries < 3 && hls) {
      mediaRecoveries += 1;
      hls.recoverMediaError();
      return;
    }
    // Manifest 404 while the encoder is still warming up, level reload
    // failures, etc.: start over after a short backoff.
    scheduleRestart();
  };

  function start(src: string): void {
    if (Hls.isSupported()) {
      mode = 'hls.js';
      mediaRecoveries = 0;
      const h = new Hls(HLS_CONFIG);
      hls = h;
      h.on(Hls.Events.ERROR, onHlsError);
      h.on(Hls.Events.MANIFEST_PARSED, tryPlay);
      h.attachMedia(video);
      h.loadSource(src);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      mode = 'native';
      video.src = src;
      tryPlay();
    } else {
      mode = 'none';
      cb.onUnsupported();
    }
  }

  const onNativeError = () => {
    if (mode === 'native' && url) scheduleRestart();
  };
  video.addEventListener('error', onNativeError);

  return {
    get mode() {
      return mode;
    },
    load(src: string) {
      if (url === src && (hls || retryTimer || mode === 'native')) return;
      teardown();
      url = src;
      retries = 0;
      cb.onBuffering();
      start(src);
    },
    stop() {
      url = null;
      teardown();
      mode = 'none';
    },
    destroy() {
      this.stop();
      video.removeEventListener('playing', onPlaying);
      video.removeEventListener('error', onNativeError);
      if (window.__aethexPlayer === debug) delete window.__aethexPlayer;
    },
  };
}
