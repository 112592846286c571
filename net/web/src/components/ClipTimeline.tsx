// The clip editor's range bar: the stretch of the video its window covers, laid with thumbnail
// tiles (a plain bar when the VOD has no strip), the range between two handles that drag (or
// take the arrow keys), a selection that drags the whole range, and while dragging the picture
// at the dragged time.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fractionOf, moveEdge, moveRange, timeAt, timelineWindow, type Edge, type Span } from '../clipRange';
import { formatTenths } from '../format';
import { tileAt, tilesAlong, type ThumbTile } from '../thumbs';

const BAR_H = 54;
const PREVIEW_H = 90;
const KEY_STEP_S = 1;
const PAGE_STEP_S = 5;

type Drag = { kind: Edge; t: number } | { kind: 'range'; t: number; grab: number };

export function ClipTimeline({
  duration,
  range,
  tiles,
  onChange,
  onSettle,
}: {
  duration: number;
  range: Span;
  tiles: readonly ThumbTile[];
  onChange: (range: Span) => void;
  /** A drag or key press ended with this time at the moved edge (the player shows it). */
  onSettle: (t: number) => void;
}) {
  const barRef = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [win, setWin] = useState(() => timelineWindow(range, duration));
  const [width, setWidth] = useState(0);

  // The window holds still under a drag and follows the range afterwards.
  useEffect(() => {
    if (!drag) setWin((w) => timelineWindow(range, duration, w));
  }, [range, duration, drag]);

  // As many tiles as fit the bar's width.
  useEffect(() => {
    const el = barRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const first = tiles[0];
  const strip = first && width > 0 ? tilesAlong(tiles, win, Math.ceil(width / ((BAR_H * first.w) / first.h))) : [];

  const timeOf = (clientX: number) => {
    const r = barRef.current!.getBoundingClientRect();
    return timeAt((clientX - r.left) / r.width, win);
  };
  const grab = (kind: Drag['kind']) => (e: PointerEvent) => {
    e.preventDefault();
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
    setDrag(kind === 'range' ? { kind, t: range.start, grab: timeOf(e.clientX) - range.start } : { kind, t: range[kind] });
    (e.currentTarget as HTMLElement).focus();
  };
  const move = (e: PointerEvent) => {
    if (!drag) return;
    const t = timeOf(e.clientX);
    const next = drag.kind === 'range' ? moveRange(range, t - drag.grab, duration) : moveEdge(range, drag.kind, t, duration);
    setDrag({ ...drag, t: drag.kind === 'range' ? next.start : next[drag.kind] });
    onChange(next);
  };
  const release = () => {
    if (!drag) return;
    onSettle(drag.t);
    setDrag(null);
  };
  const key = (edge: Edge) => (e: KeyboardEvent) => {
    const step = { ArrowLeft: -KEY_STEP_S, ArrowRight: KEY_STEP_S, PageDown: -PAGE_STEP_S, PageUp: PAGE_STEP_S }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const next = moveEdge(range, edge, range[edge] + step, duration);
    onChange(next);
    onSettle(next[edge]);
  };
  const dragHandlers = (kind: Drag['kind']) => ({
    onPointerDown: grab(kind),
    onPointerMove: move,
    onPointerUp: release,
    onPointerCancel: release,
  });

  const a = fractionOf(range.start, win) * 100;
  const b = fractionOf(range.end, win) * 100;
  const preview = drag ? tileAt(tiles, drag.t) : null;
  return (
    <div class="clip-timeline">
      <div class="clip-bar" ref={barRef} style={{ height: `${BAR_H}px` }} data-dragging={drag?.kind}>
        <div id="clip-strip" class="clip-strip" data-tiles={strip.length}>
          {strip.map((tile, i) => (
            <span class="clip-slot" key={i}>
              <Tile tile={tile} height={BAR_H} />
            </span>
          ))}
        </div>
        <div class="clip-shade" style={{ left: 0, width: `${a}%` }} />
        <div class="clip-shade" style={{ left: `${b}%`, right: 0 }} />
        <div class="clip-selection" style={{ left: `${a}%`, width: `${b - a}%` }} {...dragHandlers('range')} />
        {(['start', 'end'] as const).map((edge) => (
          <div
            key={edge}
            class="clip-handle"
            data-edge={edge}
            role="slider"
            tabIndex={0}
            aria-label={edge === 'start' ? 'Clip start' : 'Clip end'}
            aria-valuemin={0}
            aria-valuemax={duration}
            aria-valuenow={range[edge]}
            aria-valuetext={formatTenths(range[edge])}
            style={{ left: `${edge === 'start' ? a : b}%` }}
            onKeyDown={key(edge)}
            {...dragHandlers(edge)}
          />
        ))}
        {drag && (
          <div class="clip-preview" style={{ left: `${fractionOf(drag.t, win) * 100}%` }}>
            {preview && <Tile tile={preview} height={PREVIEW_H} />}
            <span class="clip-preview-time">{formatTenths(drag.t)}</span>
          </div>
        )}
      </div>
      <div class="clip-scale muted">
        <span>{formatTenths(win.start)}</span>
        <span>{formatTenths(win.end)}</span>
      </div>
    </div>
  );
}

/** One tile of a sprite sheet, scaled to `height`. */
function Tile({ tile, height }: { tile: ThumbTile; height: number }) {
  const k = height / tile.h;
  return (
    <span class="clip-tile" style={{ width: `${tile.w * k}px`, height: `${height}px` }}>
      <span
        style={{
          width: `${tile.w}px`,
          height: `${tile.h}px`,
          backgroundImage: `url("${tile.url}")`,
          backgroundPosition: `-${tile.x}px -${tile.y}px`,
          transform: `scale(${k})`,
        }}
      />
    </span>
  );
}
