// VOD playback: the recording's HLS playlist (byte ranges into one fMP4; VOD type once finished,
// EVENT while recording) with hls.js, or natively where the browser plays HLS itself (Safari).
// Unlike live playback nothing chases an edge: hls.js's defaults suit a seekable video, and
// playback starts at `startS`.
import Hls from 'hls.js';

/** Fatal media errors hls.js gets this many recoveries for before the player gives up. */
const MAX_RECOVERIES = 3;
const NETWORK_RETRY_MS = 2000;

export type VodFailure = 'unsupported' | 'failed';

/** Plays `url` in `video` from `startS` seconds; returns what stops it. */
export function playVod(video: HTMLVideoElement, url: string, startS: number, onFailure: (why: VodFailure) => void): () => void {
  // Sound when the browser allows autoplay with it, else muted (the viewer unmutes).
  const start = () => {
    void video.play().catch(() => {
      video.muted = true;
      void video.play().catch(() => {
        /* no autoplay at all: the controls start it */
      });
    });
  };

  if (Hls.isSupported()) {
    const hls = new Hls({ startPosition: startS, enableWorker: true });
    let recoveries = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    hls.on(Hls.Events.MANIFEST_PARSED, start);
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      if (recoveries++ >= MAX_RECOVERIES) {
        hls.destroy();
        onFailure('failed');
      } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
      } else if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
        retry = setTimeout(() => hls.startLoad(), NETWORK_RETRY_MS);
      } else {
        hls.destroy();
        onFailure('failed');
      }
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    return () => {
      clearTimeout(retry);
      hls.destroy();
    };
  }

  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    const seek = () => {
      if (startS > 0) video.currentTime = startS;
      start();
    };
    video.addEventListener('loadedmetadata', seek, { once: true });
    video.src = url;
    return () => {
      video.removeEventListener('loadedmetadata', seek);
      video.removeAttribute('src');
      video.load();
    };
  }

  onFailure('unsupported');
  return () => {};
}
