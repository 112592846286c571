// A clip's page: while the clip renders, its progress (read every second); then the video, its
// title, channel, creator, views (one counted on the first play), likes, the page's link and
// the embed code to copy; or why rendering failed.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { hasAccount, useSession } from '../auth';
import { countClipView, embedSnippet, fetchClip, setClipLike, type Clip } from '../clipApi';
import { formatDate, formatDuration, formatLikes, formatViews } from '../format';
import { startPolling } from '../poll';
import { channelPath } from '../router';
import { vodPath } from '../vodApi';
import '../clip.css';

export const CLIP_POLL_MS = 1000;

type Load = { kind: 'loading' } | { kind: 'ready'; clip: Clip } | { kind: 'not_found' } | { kind: 'error' };

export function ClipPage({ id }: { id: string }) {
  const session = useSession();
  const token = session?.token ?? null;
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const videoRef = useRef<HTMLVideoElement>(null);

  // Read until the render is over; a failed read keeps what was shown and tries again.
  useEffect(() => {
    const poller = startPolling(
      async (signal) => {
        const clip = await fetchClip(id, token);
        if (signal.aborted) return;
        setLoad({ kind: 'ready', clip });
        if (clip.state !== 'rendering') poller.stop();
      },
      {
        intervalMs: CLIP_POLL_MS,
        onError: (e) => {
          if (e instanceof ApiError && e.status === 404) {
            poller.stop();
            setLoad({ kind: 'not_found' });
          } else setLoad((l) => (l.kind === 'ready' ? l : { kind: 'error' }));
        },
      },
    );
    return () => poller.stop();
  }, [id, token]);

  const clip = load.kind === 'ready' ? load.clip : null;
  useEffect(() => {
    document.title = clip ? `${clip.title || `Clip of ${clip.channel}`} · ${clip.channel} · AeThex LIVE` : 'Clip · AeThex LIVE';
  }, [clip?.title, clip?.channel]);

  // Plays with sound when the browser allows it, else muted; counts one view on the first play.
  const url = clip?.url ?? null;
  useEffect(() => {
    const video = videoRef.current;
    if (!video || !url) return;
    let counted = false;
    const onPlaying = () => {
      if (counted) return;
      counted = true;
      countClipView(id)
        .then((views) => views !== null && setLoad((l) => (l.kind === 'ready' ? { ...l, clip: { ...l.clip, views } } : l)))
        .catch(() => undefined);
    };
    video.addEventListener('playing', onPlaying);
    void video.play().catch(() => {
      video.muted = true;
      void video.play().catch(() => undefined);
    });
    return () => video.removeEventListener('playing', onPlaying);
  }, [url]);

  const state = clip ? clip.state : load.kind;
  const poster = clip ? `/vod/${encodeURIComponent(clip.vod)}/poster.jpg` : undefined;
  return (
    <main class="clip-page" data-clip={id} data-state={state}>
      <div class="player-shell" id="clip-player-container" data-state={state}>
        {url && <video id="clip-video" ref={videoRef} src={url} controls playsInline preload="auto" poster={poster} />}
        {(load.kind === 'loading' || clip?.state === 'rendering') && (
          <div class="player-overlay clip-rendering">
            {clip ? (
              <>
                <p class="offline-title">Rendering the clip… {Math.floor(clip.progress)}%</p>
                <progress id="clip-progress" max={100} value={clip.progress} aria-label="Rendering progress" />
              </>
            ) : (
              <div class="spinner" aria-label="Loading" />
            )}
          </div>
        )}
        {(clip?.state === 'failed' || load.kind === 'not_found' || load.kind === 'error') && (
          <div class="player-overlay error-panel" id="clip-failed">
            <p class="offline-title">{clip ? "This clip couldn't be made" : load.kind === 'not_found' ? 'Clip not found' : "Couldn't reach the server. Retrying…"}</p>
            {clip?.error && <p class="muted">{clip.error}</p>}
          </div>
        )}
      </div>
      {clip && <ClipDetails clip={clip} token={token} canLike={hasAccount(session)} onChange={(c) => setLoad({ kind: 'ready', clip: c })} />}
    </main>
  );
}

function ClipDetails({ clip, token, canLike, onChange }: { clip: Clip; token: string | null; canLike: boolean; onChange: (c: Clip) => void }) {
  const pageUrl = new URL(clip.page, window.location.origin).href;
  return (
    <div class="clip-details">
      <div class="channel-info">
        <div class="avatar" aria-hidden="true">
          {clip.channel.slice(0, 1).toUpperCase()}
        </div>
        <div class="channel-text">
          <h1 class="channel-title" id="clip-heading">
            {clip.title || `Clip of ${clip.channel}`}
          </h1>
          <p class="channel-name vod-meta">
            <a id="clip-channel" href={channelPath(clip.channel)}>
              {clip.channel}
            </a>
            <span id="clip-creator">Clipped by {clip.creator}</span>
            <span title={new Date(clip.created_at_ms).toLocaleString()}>{formatDate(clip.created_at_ms)}</span>
            <span id="clip-duration">{formatDuration(clip.duration_s, false)}</span>
            <span id="clip-views">{formatViews(clip.views)}</span>
            <a id="clip-source" href={vodPath(clip.vod, clip.start_s)}>
              Watch the broadcast from here
            </a>
          </p>
        </div>
        {clip.state === 'ready' && <LikeButton clip={clip} token={token} canLike={canLike} onChange={onChange} />}
      </div>
      {clip.state === 'ready' && (
        <div class="clip-share">
          <CopyField id="clip-share" label="Share" value={pageUrl} />
          <CopyField id="clip-embed" label="Embed" value={embedSnippet(window.location.origin, clip)} />
        </div>
      )}
    </div>
  );
}

/** Like / Liked with the count; signed out, a Like link to the log-in page. */
function LikeButton({ clip, token, canLike, onChange }: { clip: Clip; token: string | null; canLike: boolean; onChange: (c: Clip) => void }) {
  // Only like answers say whether this viewer likes the clip: until one, it shows as not liked.
  const [liked, setLiked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function toggle() {
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      const c = await setClipLike(token, clip.id, !liked);
      setLiked(c.liked ?? !liked);
      onChange(c);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not reach the server.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="channel-actions">
      <div class="dash-row">
        {canLike ? (
          <button class={liked ? 'btn' : 'btn btn-primary'} id="clip-like" type="button" aria-pressed={liked} disabled={busy} onClick={() => void toggle()}>
            {liked ? 'Liked' : 'Like'}
          </button>
        ) : (
          // The admin token is nobody's account: it cannot like.
          !token && (
            <a class="btn btn-primary" id="clip-like" href="/login">
              Like
            </a>
          )
        )}
        <span id="clip-likes" data-likes={clip.likes}>
          {formatLikes(clip.likes)}
        </span>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** A read-only field with a Copy button (`#<id>-copy`); where the clipboard is refused, the text is selected to copy by hand. */
function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      field.current?.select();
    }
  }
  return (
    <label class="clip-copy">
      {label}
      <div class="dash-row">
        <input id={id} ref={field} readOnly value={value} onFocus={(e) => (e.target as HTMLInputElement).select()} />
        <button class="btn" id={`${id}-copy`} type="button" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </label>
  );
}
