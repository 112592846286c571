// Client-side routing: pure parsing plus a tiny history-based location hook.
import { useEffect, useState } from 'preact/hooks';
import { parseTimeParam } from './vodApi';
import { isWatchSource, type Arrival } from './watchBeats';
import { parseEsportsRoute, type EsportsRoute } from './esports/routes';
import { parseAppsRoute, type AppsRoute } from './apps/routes';
import { parseGoLiveRoute, type GoLiveRoute } from './golive/routes';
import { parseOrgsRoute, type OrgsRoute } from './orgs/model';
import { parseCertificatesRoute, type CertificatesRoute } from './certificates/model';
import { parseWebinarsRoute, type WebinarRoute } from './webinars/model';
import { parseCoursesRoute, type CoursesRoute } from './courses/model';

export type Route =
  | { kind: 'home' }
  | { kind: 'channel'; name: string; raid?: string }
  /** A past broadcast; `t`: where to start, in seconds (`?t=90`, `?t=1m30s`), else null. */
  | { kind: 'vod'; id: string; t: number | null }
  /** A clip's page (`/clip/<id>`), and the trending clips (`/clips`). */
  | { kind: 'clip'; id: string }
  | { kind: 'clips' }
  | { kind: 'signup' }
  | { kind: 'login' }
  | { kind: 'dashboard' }
  /** Node-wide load per cluster member (the admin token). */
  | { kind: 'admin' }
  | { kind: 'browse'; category: string }
  | { kind: 'categories' }
  | { kind: 'search'; q: string }
  | { kind: 'friends' }
  | { kind: 'following' }
  | { kind: 'inbox' }
  /** The mod dashboard of a channel (`/c/<name>/mod`). */
  | { kind: 'mod'; channel: string }
  /** A page for OBS browser sources (`/overlay/<channel>/<kind>?token=…`, docs/obs.md). */
  | { kind: 'overlay'; channel: string; widget: OverlayWidget }
  /** `/messages` (the thread list, `with` null) or `/messages/<user>` (one conversation). */
  | { kind: 'messages'; with: string | null }
  /** The pay page of a checkout (`/pay/<cs>`) and the sandbox's test cards (`/payments/test-cards`). */
  | { kind: 'pay'; checkout: string }
  | { kind: 'test-cards' }
  /** Tournaments, teams, leaderboards and player stats (esports/routes.ts). */
  | EsportsRoute
  /** Developer pages, the OAuth consent page and the API reference (apps/routes.ts). */
  | AppsRoute
  /** Go live from the browser over WHIP (`/golive/<channel>`). */
  | GoLiveRoute
  /** Organisations (`/orgs`, `/orgs/<slug>`, `/orgs/<slug>/manage`; orgs/model.ts). */
  | OrgsRoute
  /** Certificates: `/verify[/<code>]`, `/me/certificates`, `/courses/<id>/certificates`. */
  | CertificatesRoute
  /** A webinar's page (`/webinars/<id>`, webinars/model.ts). */
  | WebinarRoute
  /** Courses: `/courses`, `/courses/<id>`, `/courses/<id>/manage` (courses/model.ts). */
  | CoursesRoute
  | { kind: 'not_found'; path: string };

export type OverlayWidget = 'poll' | 'prediction' | 'hype-train' | 'alerts' | 'campaign' | 'chat' | 'polls' | 'predictions' | 'hype_train' | 'now_playing' | 'goals' | 'visualiser';
// The last six (and alerts) are the token-checked kinds of docs/obs.md (overlay/obsApi.ts).
const OVERLAY_WIDGETS: readonly string[] = ['poll', 'prediction', 'hype-train', 'alerts', 'campaign', 'chat', 'polls', 'predictions', 'hype_train', 'now_playing', 'goals', 'visualiser'];

/** Channel names: letters, digits, '_' and '-', 1..64 chars. */
export const CHANNEL_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidChannelName(name: string): boolean {
  return CHANNEL_NAME_RE.test(name);
}

/** Maps a URL path (query/hash allowed) to a route. */
export function parseRoute(path: string): Route {
  const clean = path.split(/[?#]/, 1)[0] ?? '/';
  const parts = clean.split('/').filter((p) => p.length > 0);
  if (parts.length === 0) return { kind: 'home' };
  const certificates = parseCertificatesRoute(parts);
  if (certificates) return certificates;
  const webinar = parseWebinarsRoute(parts);
  if (webinar) return webinar;
  const courses = parseCoursesRoute(parts);
  if (courses) return courses;
  const esports = parseEsportsRoute(parts, queryOf(path));
  if (esports) return esports;
  const apps = parseAppsRoute(parts, queryOf(path));
  if (apps) return apps;
  const golive = parseGoLiveRoute(parts);
  if (golive) return golive;
  const orgs = parseOrgsRoute(parts);
  if (orgs) return orgs;
  if (parts.length === 1 && (parts[0] === 'signup' || parts[0] === 'login' || parts[0] === 'dashboard'))
    return { kind: parts[0] };
  if (parts.length === 1 && (parts[0] === 'admin' || parts[0] === 'categories' || parts[0] === 'friends' || parts[0] === 'following' || parts[0] === 'inbox' || parts[0] === 'clips'))
    return { kind: parts[0] };
  if (parts[0] === 'messages' && parts.length <= 2) {
    if (parts.length === 1) return { kind: 'messages', with: null };
    const user = decodeName(parts[1] ?? '');
    if (user !== null) return { kind: 'messages', with: user };
    return { kind: 'not_found', path: clean };
  }
  if (parts.length === 1 && (parts[0] === 'browse' || parts[0] === 'search')) {
    const query = queryOf(path);
    return parts[0] === 'browse'
      ? { kind: 'browse', category: (query.get('category') ?? '').trim() }
      : { kind: 'search', q: (query.get('q') ?? '').trim() };
  }
  if (parts[0] === 'c' && parts.length === 2) {
    const name = decodeName(parts[1] ?? '');
    if (name !== null) {
      // `?raid=<source>`: the viewer arrived with a raid from that channel.
      const raid = (queryOf(path).get('raid') ?? '').trim();
      return isValidChannelName(raid) ? { kind: 'channel', name, raid } : { kind: 'channel', name };
    }
  }
  if (parts[0] === 'c' && parts.length === 3 && parts[2] === 'mod') {
    const channel = decodeName(parts[1] ?? '');
    if (channel !== null) return { kind: 'mod', channel };
  }
  if (parts[0] === 'overlay' && parts.length === 3 && OVERLAY_WIDGETS.includes(parts[2] ?? '')) {
    const channel = decodeName(parts[1] ?? '');
    if (channel !== null) return { kind: 'overlay', channel, widget: parts[2] as OverlayWidget };
  }
  if (parts[0] === 'v' && parts.length === 2) {
    // VOD ids are names too as far as the URL goes (the server's are 12 hex digits).
    const id = decodeName(parts[1] ?? '');
    if (id !== null) return { kind: 'vod', id, t: parseTimeParam(queryOf(path).get('t')) };
  }
  if (parts[0] === 'pay' && parts.length === 2) {
    const checkout = decodeName(parts[1] ?? '');
    if (checkout !== null) return { kind: 'pay', checkout };
  }
  if (parts.length === 2 && parts[0] === 'payments' && parts[1] === 'test-cards') return { kind: 'test-cards' };
  if (parts[0] === 'clip' && parts.length === 2) {
    const id = decodeName(parts[1] ?? '');
    if (id !== null) return { kind: 'clip', id };
  }
  return { kind: 'not_found', path: clean };
}

/** A decoded path segment that is a valid channel (or user) name, else null. */
function decodeName(segment: string): string | null {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    return null;
  }
  return isValidChannelName(name) ? name : null;
}

/** The query of a path ("/x?a=1#h" -> a=1). */
function queryOf(path: string): URLSearchParams {
  const withoutHash = path.split('#', 1)[0] ?? '';
  const q = withoutHash.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : withoutHash.slice(q + 1));
}

export function channelPath(name: string): string {
  return `/c/${encodeURIComponent(name)}`;
}

/** The channel's mod dashboard. */
export function modPath(channel: string): string {
  return `${channelPath(channel)}/mod`;
}

/** An overlay page for OBS. */
export function overlayPath(channel: string, widget: OverlayWidget): string {
  return `/overlay/${encodeURIComponent(channel)}/${widget}`;
}

/** The thread list, or the conversation with `user`. */
export function messagesPath(user?: string): string {
  return user ? `/messages/${encodeURIComponent(user)}` : '/messages';
}

/** Where a raid takes its viewers: the target's page, noting the source. */
export function raidArrivalPath(target: string, source: string): string {
  return `${channelPath(target)}?${new URLSearchParams({ raid: source }).toString()}`;
}

const NAV_EVENT = 'aethex:navigate';

/** How the current page was reached client-side (null: a page load), for the watch beats' source. */
let arrival: Arrival | null = null;

export function lastArrival(): Arrival | null {
  return arrival;
}

/** `source`: how the link's context counts a view it leads to (see watchBeats.detectSource). */
export function navigate(to: string, source: Arrival['source'] = null): void {
  if (to === window.location.pathname + window.location.search) return;
  arrival = { fromPath: window.location.pathname + window.location.search, source };
  window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAV_EVENT));
  window.scrollTo(0, 0);
}

const currentPath = () => window.location.pathname + window.location.search;

/** Current path with its query (browse and search read theirs), updated on pushState navigation and back/forward. */
export function useLocationPath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    const back = () => {
      arrival = { fromPath: null };
      update();
    };
    window.addEventListener('popstate', back);
    window.addEventListener(NAV_EVENT, update);
    return () => {
      window.removeEventListener('popstate', back);
      window.removeEventListener(NAV_EVENT, update);
    };
  }, []);
  return path;
}

/** Intercepts same-origin link clicks so they route client-side. */
export function installLinkInterceptor(root: HTMLElement): void {
  root.addEventListener('click', (ev) => {
    if (ev.defaultPrevented || ev.button !== 0) return;
    if (ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = (ev.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    // The node's own paths; /clips/<id>.mp4 and /embed/clip/<id> too, but /clips is a page.
    if (/^\/((api|hls|thumb|vod|ws)(\/|$)|(clips|embed)\/)/.test(url.pathname)) return;
    ev.preventDefault();
    // A container may say how its links count a view (e.g. the bell: "notification").
    const mark = a.closest('[data-watch-source]')?.getAttribute('data-watch-source');
    navigate(url.pathname + url.search, isWatchSource(mark) ? mark : null);
  });
}
