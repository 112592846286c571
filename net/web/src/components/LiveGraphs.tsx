// Stream manager: the last hour of the live stream, one sample per 5 s (GET .../health/history,
// re-read every 5 s): viewers, bitrate, frame rate and keyframe interval, with the warnings the
// server or the samples raise (keyframe interval over 4 s, bitrate drops, dropped frames).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { fetchHealthHistory, type HealthHistory, type HealthSample } from '../analyticsApi';
import { detectWarnings, healthColumns, KEYFRAME_WARN_MS, latestWarnings } from '../charts';
import { formatAgo } from '../format';
import { startPolling } from '../poll';
import type { StreamHealth } from './HealthPanel';
import { Chart } from './Chart';

export const HISTORY_POLL_MS = 5000;
const KEEP_MS = 3_600_000;

/** When the node has no history route: samples of GET .../health collected by this page. */
async function sampleHealth(name: string): Promise<HealthSample | null> {
  const res = await fetch(`/api/v1/channels/${encodeURIComponent(name)}/health`, { cache: 'no-store' });
  if (!res.ok) return null;
  const h = (await res.json()) as StreamHealth;
  return {
    t: Date.now(),
    bitrate_kbps: h.bitrate_kbps,
    fps: h.fps,
    keyframe_interval_ms: h.keyframe_interval_ms,
    dropped_frames: h.dropped_frames,
    late_frames: h.late_frames,
    viewers: h.ws_viewers + (h.hls_viewers ?? 0) + (h.ll_hls_viewers ?? 0),
  };
}

export function LiveGraphs({ name, token, live }: { name: string; token: string; live: boolean }) {
  const [history, setHistory] = useState<HealthHistory | null>(null);
  // Samples collected by this page (no history route): the warnings are read off them here.
  const [local, setLocal] = useState(false);

  useEffect(() => {
    // Only while live: an offline channel has no session to read (and a 404 is logged).
    if (!live) {
      setHistory(null);
      return;
    }
    let local: HealthSample[] = [];
    let fallback = false;
    const poller = startPolling(
      async (signal) => {
        if (!fallback) {
          try {
            const h = await fetchHealthHistory(token, name);
            if (!signal.aborted) setHistory(h);
            return;
          } catch (e) {
            if ((e as { status?: number }).status !== 404) throw e;
            fallback = true;
            setLocal(true);
          }
        }
        const s = await sampleHealth(name);
        if (!s || signal.aborted) return;
        local = [...local.filter((x) => x.t > s.t - KEEP_MS), s];
        setHistory({ session: null, samples: local, warnings: [] });
      },
      { intervalMs: HISTORY_POLL_MS },
    );
    return () => poller.stop();
  }, [name, token, live]);

  const charts = useMemo(() => (history ? healthColumns(history.samples) : null), [history]);
  const warnings = useMemo(() => (history ? latestWarnings(local ? detectWarnings(history.samples) : history.warnings) : []), [history, local]);
  const now = Date.now();

  return (
    <section class="dash-card" id="live-graphs" aria-label="Stream health over time" data-samples={history?.samples.length ?? 0}>
      <h2>Stream health</h2>
      {warnings.length > 0 ? (
        <ul class="health-warnings" id="health-warnings" aria-label="Stream warnings">
          {warnings.map((w) => (
            <li key={w.kind} class="health-warning" role="alert" data-testid="health-warning" data-kind={w.kind}>
              ⚠ {w.message} <span class="muted">({formatAgo(w.t, now)})</span>
            </li>
          ))}
        </ul>
      ) : (
        history && history.samples.length > 0 && <p class="form-ok" id="health-ok">No problems in the last hour.</p>
      )}
      {!live && <p class="muted" id="health-offline">The graphs appear while you are live.</p>}
      {live && history && history.samples.length === 0 && <p class="muted">No samples yet.</p>}
      {charts && (
        <div class="chart-grid">
          <Chart id="live-viewers" title="Viewers" data={charts.viewers} series={[{ label: 'Viewers', stroke: '#bf94ff', fill: 'rgba(145,71,255,0.15)' }]} />
          <Chart id="bitrate" title="Bitrate" unit="kb/s" data={charts.bitrate} series={[{ label: 'Bitrate (kbit/s)', stroke: '#00c8af' }]} />
          <Chart id="fps" title="Frame rate" data={charts.fps} series={[{ label: 'fps', stroke: '#f5a623' }]} />
          <Chart id="keyframe" title="Keyframe interval (s)" unit="s" threshold={KEYFRAME_WARN_MS / 1000} data={charts.keyframe} series={[{ label: 'Keyframe interval (s)', stroke: '#ff6b6b' }]} />
        </div>
      )}
    </section>
  );
}
