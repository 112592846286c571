// A time-series chart: a thin wrapper around uPlot that follows its box's width (ResizeObserver),
// takes new data without rebuilding, and destroys the plot when it goes.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { pointCount, type AlignedData } from '../charts';

export interface ChartSeries {
  label: string;
  stroke: string;
  fill?: string;
  /** Draw steps (per-bucket counts) instead of a line. */
  steps?: boolean;
}

export interface ChartProps {
  /** Test id and accessible name stem, e.g. "viewers" → data-testid="chart-viewers". */
  id: string;
  title: string;
  data: AlignedData;
  series: ChartSeries[];
  height?: number;
  /** Unit shown on the y axis values, e.g. "kbit/s". */
  unit?: string;
  /** Horizontal threshold line drawn across (e.g. the 4 s keyframe limit). */
  threshold?: number;
}

const AXIS = { stroke: '#adadb8', grid: { stroke: 'rgba(255,255,255,0.07)' }, ticks: { stroke: 'rgba(255,255,255,0.1)' } };

function options(p: ChartProps, width: number): uPlot.Options {
  const threshold = p.threshold;
  return {
    width,
    height: p.height ?? 160,
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true, range: xRange }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(max, threshold ?? 0, 1) * 1.1] } },
    axes: [AXIS, { ...AXIS, size: p.unit ? 76 : 48, values: (_u, vals) => vals.map((v) => (p.unit ? `${fmt(v)} ${p.unit}` : fmt(v))) }],
    series: [
      {},
      ...p.series.map((s) => ({
        label: s.label,
        stroke: s.stroke,
        fill: s.fill,
        width: 2,
        points: { show: (u: uPlot) => u.data[0].length === 1 }, // one point: a dot, no line
        paths: s.steps ? uPlot.paths.stepped?.({ align: 1 }) : undefined,
      })),
    ],
    hooks:
      threshold === undefined
        ? {}
        : {
            draw: [
              (u: uPlot) => {
                const y = u.valToPos(threshold, 'y', true);
                const ctx = u.ctx;
                ctx.save();
                ctx.strokeStyle = '#eb0400';
                ctx.setLineDash([6, 4]);
                ctx.beginPath();
                ctx.moveTo(u.bbox.left, y);
                ctx.lineTo(u.bbox.left + u.bbox.width, y);
                ctx.stroke();
                ctx.restore();
              },
            ],
          },
  };
}

/** uPlot widens a time axis with one point to 1,000 days (its seconds mode): a minute either side instead. */
function xRange(u: uPlot, min: number, max: number): uPlot.Range.MinMax {
  const xs = u.data[0];
  const only = xs.length === 1 ? xs[0] : undefined;
  return only === undefined ? [min, max] : [only - 60, only + 60];
}

function fmt(v: number): string {
  if (Math.abs(v) >= 10000) return `${Math.round(v / 1000)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = props.series.map((s) => `${s.label}:${s.stroke}`).join('|') + `|${props.height ?? 160}|${props.unit ?? ''}|${props.threshold ?? ''}`;

  // (Re)build when the series' shape changes; follow the box's width.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(options(props, Math.max(200, el.clientWidth)), props.data, el);
    plot.current = u;
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height: u.height });
    });
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);

  const n = pointCount(props.data);
  return (
    <figure class="chart" data-testid={`chart-${props.id}`} data-points={n} aria-label={props.title}>
      <figcaption class="chart-title">{props.title}</figcaption>
      <div class="chart-box" ref={box} role="img" aria-label={`${props.title}: ${n} points`} />
      {n === 0 && <p class="muted chart-empty">No data yet.</p>}
    </figure>
  );
}
