import { useEffect, useState } from 'preact/hooks';

export interface StreamHealth {
  bitrate_kbps: number;
  fps: number;
  keyframe_interval_ms: number;
  dropped_frames: number;
  late_frames: number;
  video_codec: string;
  audio_codec: string;
  width: number;
  height: number;
  ws_viewers: number;
  hls_viewers?: number;
  ll_hls_viewers?: number;
  renditions?: string[];
  transcode_refused?: string | null;
}

const POLL_MS = 1000;

/** Creator view: ingest health of the live stream, refreshed every second. */
export function HealthPanel({ name }: { name: string }) {
  const [health, setHealth] = useState<StreamHealth | null>(null);
  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const res = await fetch(`/api/v1/channels/${encodeURIComponent(name)}/health`, { cache: 'no-store' });
        if (!stopped) setHealth(res.ok ? ((await res.json()) as StreamHealth) : null);
      } catch {
        if (!stopped) setHealth(null);
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [name]);
  if (!health) return null;
  const rows: [string, string, string][] = [
    ['health-bitrate', 'Bitrate', `${health.bitrate_kbps} kbit/s`],
    ['health-fps', 'Frame rate', `${health.fps.toFixed(1)} fps`],
    ['health-keyframe', 'Keyframe interval', `${(health.keyframe_interval_ms / 1000).toFixed(1)} s`],
    ['health-dropped', 'Dropped / late frames', `${health.dropped_frames} / ${health.late_frames}`],
    ['health-video', 'Video', health.video_codec || '–'],
    ['health-audio', 'Audio', health.audio_codec || '–'],
    [
      'health-viewers',
      'Viewers (WebSocket / HLS / LL-HLS)',
      `${health.ws_viewers} / ${health.hls_viewers ?? 0} / ${health.ll_hls_viewers ?? 0}`,
    ],
    [
      'health-renditions',
      'Renditions',
      health.renditions?.length
        ? `source, ${health.renditions.join(', ')}`
        : health.transcode_refused
          ? `source only (${health.transcode_refused})`
          : 'source only',
    ],
  ];
  return (
    <section class="health-panel" id="health-panel" aria-label="Stream health">
      <h2>Stream health</h2>
      <dl>
        {rows.map(([id, label, value]) => (
          <div key={id}>
            <dt>{label}</dt>
            <dd id={id}>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
