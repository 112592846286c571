// The channel page's watch beats: started by the video's `playing`, stopped (with an `ended`
// beat) by pause, end, a detached source, the page hidden or left, or leaving the channel.
import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { lastArrival } from '../router';
import { createWatchBeats, detectSource, sendWatchBeat, stableViewerId } from '../watchBeats';

declare global {
  interface Window {
    /** Diagnostics for tests: the beats this page sent. */
    __aethexBeats?: { source: string; referrer?: string; sent: number; ended: number; active: boolean };
  }
}

export function useWatchBeats(videoRef: RefObject<HTMLVideoElement | null>, channel: string, token: string | null): void {
  const tokenRef = useRef(token);
  tokenRef.current = token;
  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const who = detectSource({ search: location.search, arrival: lastArrival(), referrer: document.referrer, host: location.host });
    const debug = (window.__aethexBeats = { ...who, sent: 0, ended: 0, active: false as boolean });
    const beats = createWatchBeats({ viewer: stableViewerId(), ...who }, (beat) => {
      debug.sent++;
      if (beat.ended) debug.ended++;
      sendWatchBeat(channel, beat, tokenRef.current);
    });
    const sync = () => (debug.active = beats.active);
    const start = () => {
      if (document.visibilityState !== 'hidden') beats.playing();
      sync();
    };
    const stop = () => {
      beats.stopped();
      sync();
    };
    const visibility = () => {
      if (document.visibilityState === 'hidden') stop();
      else if (!video.paused && video.readyState >= 3) start();
    };
    const stopEvents = ['pause', 'ended', 'emptied'] as const;
    video.addEventListener('playing', start);
    for (const e of stopEvents) video.addEventListener(e, stop);
    document.addEventListener('visibilitychange', visibility);
    window.addEventListener('pagehide', stop);
    return () => {
      video.removeEventListener('playing', start);
      for (const e of stopEvents) video.removeEventListener(e, stop);
      document.removeEventListener('visibilitychange', visibility);
      window.removeEventListener('pagehide', stop);
      stop();
    };
  }, [channel]);
}
