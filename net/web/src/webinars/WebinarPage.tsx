// A webinar's page (/webinars/<id>, docs/webinars.md): the channel's stream, the slide every
// viewer sees (followed from the room's `slide` frames, so it changes within the second the
// presenter changes it), registration, the presenter's controls (upload a PDF, previous/next,
// page thumbnails) and the Q&A panel. Fits 360 px: the columns stack.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useSession } from '../auth';
import { fetchChannel } from '../api';
import { channelPath } from '../router';
import { createPlayer, type Player } from '../player';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { QnaPanel } from './qna/QnaPanel';
import { fetchWebinar, register, showPage, slideImage, uploadSlides } from './api';
import { parseSlideFrame, slideUrl, stepPage, whenText, type Webinar } from './model';
import './webinars.css';

declare global {
  interface Window {
    /** Every slide page shown, in order, with Date.now() then: the browser suite's latency figure. */
    __slideShows?: { page: number; at: number }[];
  }
}

const errText = (e: unknown) => (e instanceof Error ? e.message : 'Something went wrong.');

export function WebinarPage({ id }: { id: string }) {
  const token = useSession()?.token ?? null;
  const [w, setW] = useState<Webinar | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(0);
  const [page, setPage] = useState(1);
  const reload = useCallback(() => setEpoch((e) => e + 1), []);

  useEffect(() => {
    let current = true;
    fetchWebinar(id, token)
      .then((x) => {
        if (!current) return;
        setW(x);
        setError(null);
        if (x.slides) setPage(x.slides.current);
        document.title = `${x.title} · AeThex LIVE`;
      })
      .catch((e) => current && setError(errText(e)));
    return () => {
      current = false;
    };
  }, [id, token, epoch]);

  // While pages render, the count is re-read each second.
  useEffect(() => {
    if (!w?.slides?.rendering) return;
    const t = setTimeout(reload, 1000);
    return () => clearTimeout(t);
  }, [w, reload]);

  if (!w) return <main class="webinar-page">{error ? <p class="webinar-error">{error}</p> : <p>Loading webinar…</p>}</main>;
  return (
    <main class="webinar-page" data-testid="webinar-page">
      <header class="webinar-head">
        <h1>{w.title}</h1>
        <p class="webinar-when">
          {w.live && <span class="webinar-live">LIVE</span>} {whenText(w)} · {w.timezone} ·{' '}
          <a href={channelPath(w.channel)}>{w.channel}</a> · {w.registrations} registered
        </p>
        {w.description && <p class="webinar-description">{w.description}</p>}
        <RegisterButton w={w} token={token} onDone={reload} />
      </header>
      <div class="webinar-grid">
        <section class="webinar-stage">
          <WebinarPlayer channel={w.channel} />
          <SlideView w={w} token={token} page={page} setPage={setPage} onStale={reload} />
          {w.can.present && <PresenterControls w={w} token={token} page={page} onChange={reload} />}
        </section>
        <aside class="webinar-side">{w.can.watch && <QnaPanel webinarId={w.id} canModerate={w.can.moderate} />}</aside>
      </div>
    </main>
  );
}

function RegisterButton({ w, token, onDone }: { w: Webinar; token: string | null; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!token) return <p class="webinar-note">Sign in to register{w.access === 'registered' ? ' and watch' : ''}.</p>;
  const toggle = () => {
    setBusy(true);
    register(w.id, token, !w.registered)
      .then(() => (setError(null), onDone()))
      .catch((e) => setError(errText(e)))
      .finally(() => setBusy(false));
  };
  return (
    <p class="webinar-register">
      <button data-testid="webinar-register" disabled={busy} onClick={toggle}>
        {w.registered ? 'Registered ✓ (cancel)' : 'Register'}
      </button>
      {error && <span class="webinar-error">{error}</span>}
    </p>
  );
}

// The channel's live stream (nothing when it is offline).
function WebinarPlayer({ channel }: { channel: string }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const playerRef = useRef<Player | null>(null);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const player = createPlayer(video, { onPlaying: () => {}, onBuffering: () => {}, onUnsupported: () => {}, onLayout: () => {}, onQuality: () => {} });
    playerRef.current = player;
    const ctrl = new AbortController();
    fetchChannel(channel, ctrl.signal)
      .then((ch) => {
        setLive(ch.live);
        if (ch.live) player.load(ch.hls);
      })
      .catch(() => {});
    return () => {
      ctrl.abort();
      player.destroy();
      playerRef.current = null;
    };
  }, [channel]);
  return (
    <div class="webinar-player" data-live={live}>
      <video ref={videoRef} muted autoplay playsInline controls />
      {!live && <p class="webinar-offline">The stream starts at the webinar's time.</p>}
    </div>
  );
}

interface SlideViewProps {
  w: Webinar;
  token: string | null;
  page: number;
  setPage: (p: number) => void;
  /** A frame of a deck the page has not read yet (a new upload): re-read the webinar. */
  onStale: () => void;
}

function SlideView({ w, token, page, setPage, onStale }: SlideViewProps) {
  const [src, setSrc] = useState<string | null>(null);
  const [upload, setUpload] = useState(w.slides?.upload ?? 0);
  const shownPage = useRef(0);
  useEffect(() => setUpload(w.slides?.upload ?? 0), [w.slides?.upload]);
  useRoomFrames(w.channel, (f) => {
    const frame = parseSlideFrame(f, w.id);
    if (!frame) return;
    const v = /[?&]v=(\d+)/.exec(frame.url);
    if (v) setUpload(Number(v[1]));
    if (!w.slides || w.slides.pages !== frame.pages || w.slides.rendering) onStale();
    setPage(frame.page);
  });
  const ready = !!w.slides && w.slides.pages > 0 && w.can.watch;
  useEffect(() => {
    if (!ready) return;
    let current = true;
    let made: string | null = null;
    slideImage(slideUrl(w.id, page, upload), token)
      .then((url) => {
        made = url;
        if (current) setSrc(url);
        else URL.revokeObjectURL(url);
      })
      .catch(() => {});
    return () => {
      current = false;
      if (made) setTimeout(() => URL.revokeObjectURL(made as string), 5000);
    };
  }, [ready, w.id, page, upload, token]);
  if (!w.slides || w.slides.pages === 0)
    return <div class="webinar-slide empty">{w.slides?.rendering ? 'Rendering slides…' : 'No slides yet.'}</div>;
  if (!w.can.watch) return <div class="webinar-slide empty">Register to see the slides.</div>;
  const onLoad = (e: Event) => {
    const img = e.currentTarget as HTMLImageElement;
    const p = Number(img.dataset.page);
    if (p === shownPage.current) return;
    shownPage.current = p;
    (window.__slideShows ??= []).push({ page: p, at: Date.now() });
    img.dataset.shown = String(p);
  };
  return (
    <div class="webinar-slide">
      {src && <img data-testid="slide-image" data-page={page} src={src} alt={`Slide ${page} of ${w.slides.pages}`} onLoad={onLoad} />}
      <span class="webinar-page-no">
        {page} / {w.slides.pages}
      </span>
    </div>
  );
}

function PresenterControls({ w, token, page, onChange }: { w: Webinar; token: string | null; page: number; onChange: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [thumbs, setThumbs] = useState<Record<number, string>>({});
  const pages = w.slides?.pages ?? 0;
  const go = (p: number) => {
    if (!token || p === page) return;
    showPage(w.id, token, p).then(() => setError(null)).catch((e) => setError(errText(e)));
  };
  const onFile = (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file || !token) return;
    setBusy(true);
    uploadSlides(w.id, token, file)
      .then(() => (setError(null), onChange()))
      .catch((err) => setError(errText(err)))
      .finally(() => setBusy(false));
  };
  // Thumbnails of the rendered pages (the presenter's token fetches them).
  useEffect(() => {
    if (!w.slides || w.slides.rendering || pages === 0) return;
    let current = true;
    const made: string[] = [];
    setThumbs({});
    const upload = w.slides.upload;
    (async () => {
      for (let p = 1; p <= Math.min(pages, 60) && current; ++p) {
        const url = await slideImage(slideUrl(w.id, p, upload), token).catch(() => null);
        if (!url) continue;
        made.push(url);
        if (current) setThumbs((t) => ({ ...t, [p]: url }));
      }
    })();
    return () => {
      current = false;
      made.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [w.id, w.slides?.upload, w.slides?.rendering, pages, token]);
  return (
    <section class="webinar-presenter" data-testid="presenter-controls">
      <div class="webinar-buttons">
        <button data-testid="slide-prev" disabled={page <= 1} onClick={() => go(stepPage(page, pages, -1))}>
          ◀ Previous
        </button>
        <button data-testid="slide-next" disabled={page >= pages} onClick={() => go(stepPage(page, pages, 1))}>
          Next ▶
        </button>
        <label class="webinar-upload">
          {busy ? 'Uploading…' : 'Upload PDF'}
          <input data-testid="slide-upload" type="file" accept="application/pdf,.pdf" disabled={busy} onChange={onFile} />
        </label>
      </div>
      {w.slides?.rendering && (
        <p>
          Rendering {w.slides.rendered} of {w.slides.pages || '…'} pages…
        </p>
      )}
      {w.slides?.error && <p class="webinar-error">The last upload failed: {w.slides.error}</p>}
      {error && <p class="webinar-error">{error}</p>}
      {pages > 0 && (
        <ol class="webinar-thumbs">
          {Array.from({ length: pages }, (_, i) => i + 1).map((p) => (
            <li key={p}>
              <button aria-current={p === page} onClick={() => go(p)} title={`Show slide ${p}`}>
                {thumbs[p] ? <img src={thumbs[p]} alt="" /> : <span>{p}</span>}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
