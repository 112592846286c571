// Reads something now, again every `intervalMs` (0: never) and whenever `reload()` is called;
// keeps the last answer through failures. `forbidden` once a read was refused with 401/403.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { errorText } from '../engagement/api';

export interface Polled<T> {
  data: T | null;
  error: string | null;
  forbidden: boolean;
  reload(): void;
}

export function usePolled<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[]): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [forbidden, setForbidden] = useState(false);
  const [tick, setTick] = useState(0);
  const latest = useRef(load);
  latest.current = load;

  useEffect(() => {
    let current = true;
    const read = () =>
      latest
        .current()
        .then((d) => {
          if (!current) return;
          setData(d);
          setError(null);
        })
        .catch((e) => {
          if (!current) return;
          setError(errorText(e));
          if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setForbidden(true);
        });
    void read();
    const t = intervalMs > 0 ? setInterval(() => void read(), intervalMs) : null;
    return () => {
      current = false;
      if (t !== null) clearInterval(t);
    };
  }, [...deps, tick, intervalMs]);

  return { data, error, forbidden, reload: () => setTick((n) => n + 1) };
}
