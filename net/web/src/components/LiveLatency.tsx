import { useEffect, useState } from 'preact/hooks';
import type { Player } from '../player';
import { formatLatency } from '../latency';

const MODE_LABEL: Record<string, string> = { ws: 'WebSocket', 'll-hls': 'LL-HLS', 'hls.js': 'HLS', native: 'HLS' };

/** Live latency and playback path, refreshed twice a second. */
export function LiveLatency({ player }: { player: { current: Player | null } }) {
  const [text, setText] = useState({ latency: '–', mode: '' });
  useEffect(() => {
    const timer = setInterval(() => {
      const p = player.current;
      setText({ latency: formatLatency(p ? p.latency : null), mode: p ? MODE_LABEL[p.mode] ?? '' : '' });
    }, 500);
    return () => clearInterval(timer);
  }, [player]);
  return (
    <span class="latency" title="Delay behind live">
      <span id="latency">{text.latency}</span>
      {text.mode && <span id="playback-mode"> · {text.mode}</span>}
    </span>
  );
}
