// REST calls of webinars (docs/webinars.md; docs/api.md, section Webinars).
import { ApiError } from '../api';
import { request } from '../accountApi';
import { parseTimeline, parseWebinar, type TimelineEntry, type Webinar } from './model';

const opt = (token: string | null) => (token ? { token } : {});

function webinar(v: unknown): Webinar {
  const w = parseWebinar(v);
  if (!w) throw new ApiError(0, 'bad_response', 'webinar missing in the answer');
  return w;
}

export const fetchWebinar = async (id: string, token: string | null): Promise<Webinar> =>
  webinar(await request('GET', `/api/v1/webinars/${id}`, opt(token)));

export async function register(id: string, token: string, on: boolean): Promise<void> {
  await request(on ? 'POST' : 'DELETE', `/api/v1/webinars/${id}/registration`, { token });
}

export async function showPage(id: string, token: string, page: number): Promise<void> {
  await request('POST', `/api/v1/webinars/${id}/slides/current`, { token, body: { page } });
}

/** Uploads a PDF as the body (not JSON); the answer says how many pages will be rendered. */
export async function uploadSlides(id: string, token: string, pdf: Blob): Promise<number> {
  const res = await fetch(`/api/v1/webinars/${id}/slides`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/pdf', Accept: 'application/json' },
    body: pdf,
  });
  const body = (await res.json().catch(() => null)) as { pages?: unknown; error?: { code?: unknown; message?: unknown } } | null;
  if (!res.ok) throw new ApiError(res.status, String(body?.error?.code ?? 'error'), String(body?.error?.message ?? `upload failed (${res.status})`));
  return typeof body?.pages === 'number' ? body.pages : 0;
}

/** A slide image as an object URL (registered webinars need the bearer token, which <img> cannot send). */
export async function slideImage(url: string, token: string | null): Promise<string> {
  const res = await fetch(url, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
  if (!res.ok) throw new ApiError(res.status, 'slide', `slide not available (${res.status})`);
  return URL.createObjectURL(await res.blob());
}

export interface ChannelWebinar {
  id: string;
  title: string;
  startsAtMs: number;
  durationMin: number;
  live: boolean;
}

export async function fetchChannelWebinars(channel: string): Promise<ChannelWebinar[]> {
  const body = (await request('GET', `/api/v1/channels/${encodeURIComponent(channel)}/webinars`)) as { webinars?: unknown } | null;
  const list = Array.isArray(body?.webinars) ? body.webinars : [];
  return list
    .filter((w): w is Record<string, unknown> => typeof w === 'object' && w !== null && typeof (w as { id?: unknown }).id === 'string')
    .map((w) => ({
      id: w.id as string,
      title: typeof w.title === 'string' ? w.title : '',
      startsAtMs: typeof w.starts_at_ms === 'number' ? w.starts_at_ms : 0,
      durationMin: typeof w.duration_min === 'number' ? w.duration_min : 60,
      live: w.live === true,
    }));
}

export async function fetchVodSlides(vod: string, token: string | null): Promise<TimelineEntry[]> {
  return parseTimeline(await request('GET', `/api/v1/vods/${vod}/slides`, opt(token)));
}
