// A past broadcast: the recording with seeking and playback speed, its title, channel, date,
// length and views, and the chat replayed beside it. Signed-in viewers resume where they stopped
// (or at `?t=`), and their position is saved while they watch. Signed in, Clip opens the clip
// editor under the player.
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { hasAccount, useSession } from '../auth';
import { browsePath } from '../discoveryApi';
import { formatDate, formatDuration, formatViews } from '../format';
import { channelPath } from '../router';
import { ReplayPanel } from '../chat/ReplayPanel';
import { VodSlides } from '../webinars/VodSlides';
import { ClipEditor } from '../components/ClipEditor';
import { playVod, type VodFailure } from '../vodPlayer';
import { countView, fetchContinueWatching, fetchVod, resumePosition, saveProgress, type Vod } from '../vodApi';
import '../vod.css';

/** How often the position is saved while playing (and on pause and when leaving). */
export const PROGRESS_EVERY_MS = 10_000;
const SPEEDS = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];

type Load = { kind: 'loading' } | { kind: 'ready'; vod: Vod; startS: number } | { kind: 'not_found' } | { kind: 'error' };

export function VodPage({ id, t }: { id: string; t: number | null }) {
  const session = useSession();
  const token = session?.token ?? null;
  const account = hasAccount(session) ? session : null;
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [failure, setFailure] = useState<VodFailure | null>(null);
  const [views, setViews] = useState<number | null>(null);
  const [speed, setSpeed] = useState(1);
  const [clipping, setClipping] = useState(false);
  const videoRef = useRef<HTMLVideoElement>(null);

  // The video, and for a signed-in viewer without `?t=` where they stopped.
  useEffect(() => {
    let current = true;
    const stored =
      account && t === null
        ? fetchContinueWatching(account.token)
            .then((list) => list.find((v) => v.id === id)?.position_s ?? null)
            .catch(() => null)
        : Promise.resolve(null);
    Promise.all([fetchVod(id, token), stored])
      .then(([vod, position]) => {
        if (!current) return;
        setLoad({ kind: 'ready', vod, startS: resumePosition(t, position, vod.duration_s, vod.state === 'recording') });
        setViews(vod.views);
      })
      .catch((e) => current && setLoad({ kind: e instanceof ApiError && e.status === 404 ? 'not_found' : 'error' }));
    return () => {
      current = false;
    };
  }, [id, token]);

  const vod = load.kind === 'ready' ? load.vod : null;
  useEffect(() => {
    document.title = vod ? `${vod.title || 'Untitled broadcast'} · ${vod.channel} · AeThex LIVE` : 'Video · AeThex LIVE';
  }, [vod]);

  useProgress(videoRef, load.kind === 'ready' ? id : null, account?.token ?? null);

  useEffect(() => {
    const video = videoRef.current;
    if (load.kind !== 'ready' || !video) return;
    let counted = false;
    // One view per playback start of this page.
    const onPlaying = () => {
      if (counted) return;
      counted = true;
      countView(id, token)
        .then((n) => n !== null && setViews(n))
        .catch(() => undefined);
    };
    const onRate = () => setSpeed(video.playbackRate);
    video.addEventListener('playing', onPlaying);
    video.addEventListener('ratechange', onRate);
    const stop = playVod(video, load.vod.hls, load.startS, setFailure);
    return () => {
      video.removeEventListener('playing', onPlaying);
      video.removeEventListener('ratechange', onRate);
      stop();
    };
  }, [load]);

  // The video's ratechange sets `speed`, also when its own controls change the rate.
  const setRate = (rate: number) => {
    if (videoRef.current) videoRef.current.playbackRate = rate;
  };
  const state = failure ? 'error' : load.kind === 'ready' ? 'ready' : load.kind;
  return (
    <main class="channel-layout vod-page" data-vod={id}>
      <section class="channel-main">
        <div class="player-shell" id="vod-player-container" data-state={state}>
          <video id="vod-player" ref={videoRef} controls playsInline poster={vod?.poster} />
          {load.kind === 'loading' && (
            <div class="player-overlay">
              <div class="spinner" aria-label="Loading" />
            </div>
          )}
          {state !== 'ready' && state !== 'loading' && (
            <div class="player-overlay error-panel" id="vod-error">
              <p class="offline-title">{errorText(load.kind, failure)}</p>
              {load.kind === 'not_found' && (
                <p class="muted">
                  <a href="/">Browse live channels</a>
                </p>
              )}
            </div>
          )}
        </div>
        <div class="channel-info">
          <div class="avatar" aria-hidden="true">
            {(vod?.channel ?? '?').slice(0, 1).toUpperCase()}
          </div>
          <div class="channel-text">
            <h1 class="channel-title" id="vod-title">
              {vod ? vod.title || 'Untitled broadcast' : load.kind === 'not_found' ? 'Video not found' : '\u00a0'}
            </h1>
            {vod && (
              <p class="channel-name vod-meta">
                <a id="vod-channel" href={channelPath(vod.channel)}>
                  {vod.channel}
                </a>
                {vod.state === 'recording' && <span class="vod-recording">Recording</span>}
                {vod.category && <a href={browsePath(vod.category)}>{vod.category}</a>}
                <span id="vod-date" title={new Date(vod.started_at_ms).toLocaleString()}>
                  {formatDate(vod.started_at_ms)}
                </span>
                <span id="vod-duration">{formatDuration(vod.duration_s)}</span>
                <span id="vod-views">{formatViews(views ?? vod.views)}</span>
                <label class="quality">
                  Speed{' '}
                  <select id="vod-speed" value={String(speed)} onChange={(e) => setRate(Number((e.target as HTMLSelectElement).value))}>
                    {SPEEDS.map((s) => (
                      <option value={String(s)}>{s}×</option>
                    ))}
                  </select>
                </label>
              </p>
            )}
          </div>
          {vod && token && (
            <div class="channel-actions">
              <button class="btn" id="clip-button" type="button" aria-expanded={clipping} onClick={() => setClipping((c) => !c)}>
                Clip
              </button>
            </div>
          )}
        </div>
        {load.kind === 'ready' && <VodSlides vod={id} video={videoRef} token={token} />}
        {vod && token && clipping && <ClipEditor vod={vod} token={token} video={videoRef} onClose={() => setClipping(false)} />}
      </section>
      <aside id="vod-chat" class="chat-column">
        {load.kind === 'ready' && <ReplayPanel vod={load.vod} video={videoRef} startS={load.startS} token={token} />}
      </aside>
    </main>
  );
}

/**
 * Saves a signed-in viewer's position in VOD `id`: every PROGRESS_EVERY_MS while playing, on
 * pause, and when the page is hidden or left. Only once playback has started (merely opening the
 * page must not overwrite the stored position with 0), and from the last position the video
 * really had (detaching the source resets currentTime).
 */
function useProgress(video: RefObject<HTMLVideoElement | null>, id: string | null, token: string | null) {
  useEffect(() => {
    const el = video.current;
    if (!el || !id || !token) return;
    let position: number | null = null;
    let saved: number | null = null;
    const save = (leaving = false) => {
      if (position === null || Math.floor(position) === saved) return;
      saved = Math.floor(position);
      saveProgress(token, id, position, leaving).catch(() => undefined);
    };
    const onTime = () => {
      if (el.readyState >= HTMLMediaElement.HAVE_METADATA && el.played.length > 0) position = el.currentTime;
    };
    const onPause = () => save();
    const onHide = () => document.visibilityState === 'hidden' && save(true);
    const onLeave = () => save(true);
    const timer = setInterval(() => !el.paused && save(), PROGRESS_EVERY_MS);
    el.addEventListener('timeupdate', onTime);
    el.addEventListener('pause', onPause);
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onLeave);
    return () => {
      clearInterval(timer);
      el.removeEventListener('timeupdate', onTime);
      el.removeEventListener('pause', onPause);
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onLeave);
      save(true);
    };
  }, [id, token]);
}

function errorText(kind: Load['kind'], failure: VodFailure | null): string {
  if (failure === 'unsupported') return 'This browser cannot play HLS video';
  if (failure === 'failed') return "This video couldn't be played";
  return kind === 'not_found' ? 'Video not found' : "Couldn't reach the server";
}
