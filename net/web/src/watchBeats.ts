// Watch beats (POST /api/v1/channels/<name>/watch): what the channel analytics count views,
// watch time and traffic sources from. One beat when playback starts, one every 15 s while it
// goes on, and `ended: true` when it stops (pause, the page hidden or left, the channel gone).

export type WatchSource = 'direct' | 'browse' | 'search' | 'following' | 'notification' | 'raid' | 'embed' | 'external';
export const WATCH_SOURCES: readonly WatchSource[] = ['direct', 'browse', 'search', 'following', 'notification', 'raid', 'embed', 'external'];

export const BEAT_INTERVAL_MS = 15_000;

export interface WatchBeat {
  viewer: string;
  source: WatchSource;
  referrer?: string;
  ended?: true;
}

export interface WatchBeats {
  /** Playback runs: the first call sends a beat and starts the 15 s rhythm; later calls do nothing. */
  playing(): void;
  /** Playback stopped: the rhythm stops and one `ended` beat goes (only after a start). */
  stopped(): void;
  /** True between playing() and stopped(). */
  readonly active: boolean;
}

/** The beat scheduler; `send` gets every beat (timers are the global ones, so tests can fake them). */
export function createWatchBeats(
  who: { viewer: string; source: WatchSource; referrer?: string },
  send: (beat: WatchBeat) => void,
  intervalMs = BEAT_INTERVAL_MS,
): WatchBeats {
  const base: WatchBeat = { viewer: who.viewer, source: who.source };
  if (who.referrer) base.referrer = who.referrer;
  let timer: ReturnType<typeof setInterval> | null = null;
  return {
    playing() {
      if (timer !== null) return;
      send({ ...base });
      timer = setInterval(() => send({ ...base }), intervalMs);
    },
    stopped() {
      if (timer === null) return;
      clearInterval(timer);
      timer = null;
      send({ ...base, ended: true });
    },
    get active() {
      return timer !== null;
    },
  };
}

const VIEWER_KEY = 'aethex.viewer';
const VIEWER_RE = /^[A-Za-z0-9_-]{8,64}$/;

/** This browser's stable viewer id (localStorage, so reloads and new tabs keep it). */
export function stableViewerId(storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeLocalStorage()): string {
  const known = storage?.getItem(VIEWER_KEY);
  if (known && VIEWER_RE.test(known)) return known;
  const fresh = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  try {
    storage?.setItem(VIEWER_KEY, fresh);
  } catch {
    // private mode: an id for this page only
  }
  return fresh;
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Sends one beat; `keepalive` so the last one outlives a page being left. Failures are dropped. */
export function sendWatchBeat(channel: string, beat: WatchBeat, token: string | null, fetchImpl: typeof fetch = fetch): void {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  void fetchImpl(`/api/v1/channels/${encodeURIComponent(channel)}/watch`, {
    method: 'POST',
    headers,
    body: JSON.stringify(beat),
    keepalive: true,
    cache: 'no-store',
  }).catch(() => undefined);
}

/** How the viewer reached a page, as the router saw it: the path they came from, or a container's mark. */
export interface Arrival {
  /** The path (with query) of the page the client-side navigation left, null on a page load. */
  fromPath: string | null;
  /** An explicit source from the clicked link's container (`data-watch-source`). */
  source?: WatchSource | null;
}

/** The source a page path leads viewers from, null for pages that are no directory. */
export function sourceOfPath(path: string): WatchSource | null {
  const p = path.split(/[?#]/, 1)[0] ?? '/';
  if (p === '/' || p === '/browse' || p === '/categories' || p === '/clips') return 'browse';
  if (p === '/search') return 'search';
  if (p === '/following') return 'following';
  if (p === '/inbox') return 'notification';
  if (p.startsWith('/embed/')) return 'embed';
  return null;
}

export function isWatchSource(v: string | null | undefined): v is WatchSource {
  return !!v && (WATCH_SOURCES as readonly string[]).includes(v);
}

/**
 * Where this view came from: `?src=` when valid, `?raid=` (a raid's redirect), the router's
 * arrival (the link's container, else the page left), a referrer from another host (external,
 * with that host; from this host, its page), otherwise direct.
 */
export function detectSource(i: { search: string; arrival: Arrival | null; referrer: string; host: string }): { source: WatchSource; referrer?: string } {
  const q = new URLSearchParams(i.search);
  const src = q.get('src');
  if (isWatchSource(src)) return { source: src };
  if (q.get('raid')) return { source: 'raid' };
  if (i.arrival) {
    if (i.arrival.source) return { source: i.arrival.source };
    return { source: (i.arrival.fromPath !== null && sourceOfPath(i.arrival.fromPath)) || 'direct' };
  }
  if (i.referrer) {
    let ref: URL;
    try {
      ref = new URL(i.referrer);
    } catch {
      return { source: 'direct' };
    }
    if (ref.host !== i.host) return { source: 'external', referrer: ref.hostname };
    return { source: sourceOfPath(ref.pathname) ?? 'direct' };
  }
  return { source: 'direct' };
}
