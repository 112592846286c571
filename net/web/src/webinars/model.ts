// Webinars in the web app (docs/webinars.md), pure: the webinar JSON, the room's slide frame,
// the page a recording shows at a time, and the page's route.
export interface WebinarSlides {
  pages: number;
  current: number;
  upload: number;
  rendering: boolean;
  rendered: number;
  error: string | null;
}

export interface WebinarRights {
  watch: boolean;
  ask: boolean;
  moderate: boolean;
  present: boolean;
  manage: boolean;
}

export interface Webinar {
  id: string;
  channel: string;
  title: string;
  description: string;
  startsAtMs: number;
  durationMin: number;
  timezone: string;
  presenters: string[];
  access: 'public' | 'registered';
  registrations: number;
  registered: boolean;
  slides: WebinarSlides | null;
  live: boolean;
  can: WebinarRights;
}

export interface SlideFrame {
  webinar: string;
  page: number;
  pages: number;
  url: string;
  atMs: number;
}

export interface TimelineEntry {
  atMs: number;
  page: number;
  webinar: string;
}

export type WebinarRoute = { kind: 'webinar'; id: string };

const ID_RE = /^[0-9a-f]{12}$/;

const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const bool = (v: unknown): boolean => v === true;

export function parseWebinarsRoute(parts: readonly string[]): WebinarRoute | null {
  if (parts.length !== 2 || parts[0] !== 'webinars') return null;
  const id = parts[1] ?? '';
  return ID_RE.test(id) ? { kind: 'webinar', id } : null;
}

export const webinarPath = (id: string) => `/webinars/${id}`;

export function parseWebinar(v: unknown): Webinar | null {
  const o = obj(v);
  if (!o || typeof o.id !== 'string' || typeof o.channel !== 'string') return null;
  const s = obj(o.slides);
  const c = obj(o.can) ?? {};
  return {
    id: o.id,
    channel: o.channel,
    title: str(o.title),
    description: str(o.description),
    startsAtMs: num(o.starts_at_ms),
    durationMin: num(o.duration_min, 60),
    timezone: str(o.timezone, 'UTC'),
    presenters: Array.isArray(o.presenters) ? o.presenters.filter((p): p is string => typeof p === 'string') : [],
    access: o.access === 'registered' ? 'registered' : 'public',
    registrations: num(o.registrations),
    registered: bool(o.registered),
    live: bool(o.live),
    slides: s
      ? {
          pages: num(s.pages),
          current: num(s.current, 1),
          upload: num(s.upload),
          rendering: bool(s.rendering),
          rendered: num(s.rendered),
          error: typeof s.error === 'string' ? s.error : null,
        }
      : null,
    can: { watch: bool(c.watch), ask: bool(c.ask), moderate: bool(c.moderate), present: bool(c.present), manage: bool(c.manage) },
  };
}

/** The room's `{"type":"slide",…}` frame for `webinar`, else null. */
export function parseSlideFrame(f: unknown, webinar: string): SlideFrame | null {
  const o = obj(f);
  if (!o || o.type !== 'slide' || o.webinar !== webinar) return null;
  const page = num(o.page);
  if (page < 1) return null;
  return { webinar, page, pages: num(o.pages), url: str(o.url), atMs: num(o.at_ms) };
}

/** A slide page's image URL (the upload number keeps caches apart). */
export const slideUrl = (webinar: string, page: number, upload: number) =>
  `/api/v1/webinars/${webinar}/slides/${page}.png?v=${upload}`;

export function parseTimeline(v: unknown): TimelineEntry[] {
  const list = obj(v)?.slides;
  if (!Array.isArray(list)) return [];
  return list
    .map((e) => obj(e))
    .filter((e): e is Record<string, unknown> => e !== null && typeof e.webinar === 'string')
    .map((e) => ({ atMs: num(e.at_ms), page: num(e.page, 1), webinar: str(e.webinar) }))
    .sort((a, b) => a.atMs - b.atMs);
}

/** The entry a recording shows at `ms` from its start: the last change at or before it. */
export function slideAt(timeline: readonly TimelineEntry[], ms: number): TimelineEntry | null {
  let found: TimelineEntry | null = null;
  for (const e of timeline) {
    if (e.atMs > ms) break;
    found = e;
  }
  return found;
}

/** The page after a presenter's step, kept within 1..pages. */
export function stepPage(current: number, pages: number, delta: number): number {
  if (pages < 1) return 1;
  return Math.min(pages, Math.max(1, current + delta));
}

/** "Tue 14:00 (45 min)" in the viewer's zone; the webinar's zone is shown beside it. */
export function whenText(w: Pick<Webinar, 'startsAtMs' | 'durationMin'>, locale?: string): string {
  const d = new Date(w.startsAtMs);
  const day = d.toLocaleDateString(locale, { weekday: 'short', month: 'short', day: 'numeric' });
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  return `${day} ${time} (${w.durationMin} min)`;
}
