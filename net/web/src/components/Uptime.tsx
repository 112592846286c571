import { useEffect, useState } from 'preact/hooks';
import { formatUptime } from '../format';

/** Ticking "time since start" label. */
export function Uptime({ startedAtMs }: { startedAtMs: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return (
    <span class="uptime" title="Uptime">
      {formatUptime(startedAtMs, now)}
    </span>
  );
}
