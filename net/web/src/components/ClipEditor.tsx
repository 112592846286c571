// The clip editor under a VOD's player: a 5–60 s range over the video (default: the 30 s ending
// at the playing position) on the thumbnail strip, its start and end also as inputs in seconds, a
// title, exact trimming, and Create, which starts the render and opens the clip's page.
import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { clipPath, createClip } from '../clipApi';
import { CLIP_MAX_S, CLIP_MIN_S, defaultRange, moveEdge, rangeLength, type Edge, type Span } from '../clipRange';
import { formatTenths } from '../format';
import { navigate } from '../router';
import { fetchThumbs, type ThumbTile } from '../thumbs';
import type { Vod } from '../vodApi';
import { ClipTimeline } from './ClipTimeline';
import { useAlive } from './useAlive';
import '../clip.css';

export function ClipEditor({ vod, token, video, onClose }: { vod: Vod; token: string; video: RefObject<HTMLVideoElement | null>; onClose: () => void }) {
  const duration = vod.duration_s;
  const [range, setRange] = useState<Span | null>(() => defaultRange(video.current?.currentTime ?? 0, duration));
  const [tiles, setTiles] = useState<readonly ThumbTile[]>([]);
  const [title, setTitle] = useState('');
  const [exact, setExact] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const alive = useAlive();

  useEffect(() => {
    const ctrl = new AbortController();
    void fetchThumbs(vod.hls, ctrl.signal).then(setTiles);
    return () => ctrl.abort();
  }, [vod.hls]);

  // The player shows the frame where an edge was left.
  const show = (t: number) => {
    if (video.current) video.current.currentTime = t;
  };
  const setEdge = (edge: Edge, t: number) => setRange((r) => (r ? moveEdge(r, edge, t, duration) : r));

  async function create(e: Event) {
    e.preventDefault();
    if (!range) return;
    setBusy(true);
    setError(null);
    try {
      const clip = await createClip(token, {
        vod: vod.id,
        start_s: range.start,
        duration_s: rangeLength(range),
        title: title.trim() || undefined,
        exact,
      });
      navigate(clipPath(clip.id));
    } catch (err) {
      if (!alive.current) return;
      setError(err instanceof ApiError ? err.message : 'Could not reach the server.');
      setBusy(false);
    }
  }

  return (
    <section class="clip-editor" id="clip-editor" aria-labelledby="clip-editor-title" data-tiles={tiles.length}>
      <h2 class="section-title" id="clip-editor-title">
        Create a clip
      </h2>
      {!range ? (
        <p class="muted">This video is shorter than a clip ({CLIP_MIN_S} s).</p>
      ) : (
        <form class="dash-form" onSubmit={create} noValidate>
          <ClipTimeline duration={duration} range={range} tiles={tiles} onChange={setRange} onSettle={show} />
          <div class="dash-row clip-times">
            <label>
              Start (s)
              <SecondsInput id="clip-start" value={range.start} max={duration} onValue={(t) => setEdge('start', t)} />
            </label>
            <label>
              End (s)
              <SecondsInput id="clip-end" value={range.end} max={duration} onValue={(t) => setEdge('end', t)} />
            </label>
            <span class="muted" id="clip-length">
              {formatTenths(range.start)} – {formatTenths(range.end)} · {rangeLength(range).toFixed(1)} s ({CLIP_MIN_S}–{CLIP_MAX_S} s)
            </span>
          </div>
          <label>
            Title
            <input id="clip-title" maxLength={140} placeholder={vod.title || 'Clip title'} value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          </label>
          <label class="dash-check">
            <input id="clip-exact" type="checkbox" checked={exact} onChange={(e) => setExact((e.target as HTMLInputElement).checked)} />
            Exact trim (re-encodes)
            <span class="muted">— otherwise the clip starts at the keyframe before the start, and is ready sooner</span>
          </label>
          {error && (
            <p class="form-error" role="alert" id="clip-error">
              {error}
            </p>
          )}
          <div class="dash-row">
            <button class="btn btn-primary" id="clip-create" type="submit" disabled={busy}>
              {busy ? 'Creating…' : 'Create clip'}
            </button>
            <button class="btn" id="clip-cancel" type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/**
 * Seconds typed into a number input. Each complete number moves the edge at once (so a filled-in
 * value counts without a blur); what is typed stays as typed until focus leaves, then the input
 * shows where the edge went (the range's limits may have held it back).
 */
function SecondsInput({ id, value, max, onValue }: { id: string; value: number; max: number; onValue: (t: number) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input
      id={id}
      type="number"
      min={0}
      max={max}
      step={0.1}
      value={draft ?? value.toFixed(1)}
      onInput={(e) => {
        const text = (e.target as HTMLInputElement).value;
        setDraft(text);
        const t = Number(text);
        if (text.trim() !== '' && Number.isFinite(t)) onValue(t);
      }}
      onBlur={() => setDraft(null)}
    />
  );
}
