// A channel's custom emotes (docs/emotes.md): the list and its limits as the API answers them,
// the chat room's `emotes` frame, a cheap client-side check of an upload (the server stays the
// judge), and the REST calls. Parsing and checks are pure, so they are unit-tested.
import { ApiError } from '../api';
import { request } from '../accountApi';
import { isBuiltin } from './emotes';

export interface CustomEmote {
  code: string;
  id: string;
  format: 'png' | 'gif';
  width: number;
  height: number;
  bytes: number;
  frames: number;
  /** The image route (path only). */
  url: string;
  added_at_ms: number;
  added_by: string;
  /** Sub emotes: 1-3, usable by subscribers of that tier and up; absent for everyone. */
  tier?: number;
}

/** An emote in the operator's list: which channel it belongs to. */
export interface AdminEmote extends CustomEmote {
  channel: string;
}

export interface EmoteLimits {
  max_emotes: number;
  max_total_bytes: number;
  png_max_bytes: number;
  gif_max_bytes: number;
  min_side: number;
  max_side: number;
  max_frames: number;
}

export interface EmoteList {
  emotes: CustomEmote[];
  limits: EmoteLimits;
  /** A channel's list only: the shared emotes of the orgs it belongs to (docs/organisations.md). */
  org_emotes?: CustomEmote[];
}

/** The documented limits, for a list answer that lacks them. */
export const DEFAULT_LIMITS: EmoteLimits = {
  max_emotes: 50,
  max_total_bytes: 4 * 1024 * 1024,
  png_max_bytes: 256 * 1024,
  gif_max_bytes: 512 * 1024,
  min_side: 28,
  max_side: 112,
  max_frames: 60,
};

export const EMOTE_CODE_RE = /^[A-Za-z0-9_]{3,25}$/;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

const base = (c: string) => `/api/v1/channels/${encodeURIComponent(c)}/emotes`;
const one = (c: string, code: string) => `${base(c)}/${encodeURIComponent(code)}`;

/** One emote of an answer or frame; null when it is unusable (no valid code or no image path). */
export function parseEmote(v: unknown): CustomEmote | null {
  const o = obj(v);
  if (!o || typeof o.code !== 'string' || !EMOTE_CODE_RE.test(o.code)) return null;
  // The image route on this node: a path, never another origin.
  const url = str(o.url);
  if (!url.startsWith('/') || url.startsWith('//')) return null;
  return {
    code: o.code,
    id: str(o.id),
    format: o.format === 'gif' ? 'gif' : 'png',
    width: num(o.width),
    height: num(o.height),
    bytes: num(o.bytes),
    frames: num(o.frames, 1),
    url,
    added_at_ms: num(o.added_at_ms),
    added_by: str(o.added_by),
    ...(num(o.tier) >= 1 && num(o.tier) <= 3 ? { tier: num(o.tier) } : {}),
  };
}

function parseEmotes(v: unknown): CustomEmote[] {
  if (!Array.isArray(v)) return [];
  const seen = new Set<string>();
  const out: CustomEmote[] = [];
  for (const x of v) {
    const e = parseEmote(x);
    if (e && !seen.has(e.code)) {
      seen.add(e.code);
      out.push(e);
    }
  }
  return out;
}

export function parseLimits(v: unknown): EmoteLimits {
  const o = obj(v) ?? {};
  const out = { ...DEFAULT_LIMITS };
  for (const k of Object.keys(out) as (keyof EmoteLimits)[]) out[k] = num(o[k], out[k]);
  return out;
}

/** `GET …/emotes`: the list (oldest first) and the limits. */
export function parseEmoteList(v: unknown): EmoteList {
  const o = obj(v);
  if (!o || !Array.isArray(o.emotes)) throw new ApiError(0, 'bad_response', 'emotes list missing');
  const list: EmoteList = { emotes: parseEmotes(o.emotes), limits: parseLimits(o.limits) };
  if (Array.isArray(o.org_emotes)) list.org_emotes = parseEmotes(o.org_emotes);
  return list;
}

/** `GET /api/v1/admin/emotes`: every channel's newest uploads. */
export function parseAdminEmotes(v: unknown): AdminEmote[] {
  const list = obj(v)?.emotes;
  if (!Array.isArray(list)) throw new ApiError(0, 'bad_response', 'emotes list missing');
  const out: AdminEmote[] = [];
  for (const x of list) {
    const channel = str(obj(x)?.channel);
    const e = parseEmote(x);
    if (e && channel) out.push({ ...e, channel });
  }
  return out;
}

/**
 * The channel's new list when a chat frame (or a batch of them) carries one: the room sends the
 * whole list as `{"type":"emotes","emotes":[…]}` on every change. null when there is none.
 */
export function emotesFromFrame(frame: unknown): CustomEmote[] | null {
  if (Array.isArray(frame)) {
    let last: CustomEmote[] | null = null;
    for (const f of frame) last = emotesFromFrame(f) ?? last;
    return last;
  }
  const o = obj(frame);
  if (!o || o.type !== 'emotes' || !Array.isArray(o.emotes)) return null;
  return parseEmotes(o.emotes);
}

// ---- Upload checks ----

/** The image format by its first bytes (the server recognises it the same way). */
export function sniffFormat(head: Uint8Array): 'png' | 'gif' | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (head.length >= 8 && png.every((b, i) => head[i] === b)) return 'png';
  const gif = String.fromCharCode(...head.slice(0, 6));
  if (gif === 'GIF87a' || gif === 'GIF89a') return 'gif';
  return null;
}

export interface UploadCandidate {
  code: string;
  /** The file's size in bytes. */
  size: number;
  /** From the file's first bytes (sniffFormat); null when neither PNG nor GIF. */
  format: 'png' | 'gif' | null;
}

export type UploadCheck = { ok: true } | { ok: false; field: 'code' | 'file'; error: string };

const kib = (n: number) => `${Math.round(n / 1024)} KiB`;

/** What the server would refuse for sure; what it alone can tell (dimensions, frames, AutoMod) passes. */
export function checkUpload(c: UploadCandidate, list: EmoteList): UploadCheck {
  const { limits, emotes } = list;
  if (!EMOTE_CODE_RE.test(c.code)) return { ok: false, field: 'code', error: 'Codes are 3–25 characters of A–Z, a–z, 0–9 and _.' };
  if (isBuiltin(c.code)) return { ok: false, field: 'code', error: `:${c.code}: is a built-in emote.` };
  if (emotes.some((e) => e.code === c.code)) return { ok: false, field: 'code', error: `The channel already has :${c.code}:.` };
  if (emotes.length >= limits.max_emotes) return { ok: false, field: 'code', error: `The channel has the most emotes it may have (${limits.max_emotes}).` };
  if (c.format === null) return { ok: false, field: 'file', error: 'Emotes are PNG or GIF images.' };
  const max = c.format === 'gif' ? limits.gif_max_bytes : limits.png_max_bytes;
  if (c.size > max) return { ok: false, field: 'file', error: `A ${c.format.toUpperCase()} emote may be at most ${kib(max)} (this one is ${kib(c.size)}).` };
  if (c.size === 0) return { ok: false, field: 'file', error: 'The file is empty.' };
  const used = emotes.reduce((a, e) => a + e.bytes, 0);
  if (used + c.size > limits.max_total_bytes)
    return { ok: false, field: 'file', error: `The channel's emotes may take ${kib(limits.max_total_bytes)} in all; ${kib(limits.max_total_bytes - used)} are left.` };
  return { ok: true };
}

/** The image's size as the browser decoded it (a GIF's screen): square and within the sides. */
export function checkDimensions(width: number, height: number, limits: EmoteLimits): UploadCheck {
  if (width !== height) return { ok: false, field: 'file', error: `Emotes are square; this image is ${width}×${height} px.` };
  if (width < limits.min_side || width > limits.max_side)
    return { ok: false, field: 'file', error: `Emotes are ${limits.min_side}–${limits.max_side} px a side; this image is ${width} px.` };
  return { ok: true };
}

/** "12.3 KiB", for sizes and what is left. */
export function formatKib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`;
}

// ---- REST ----

export async function fetchEmotes(channel: string, signal?: AbortSignal): Promise<EmoteList> {
  const res = await fetch(base(channel), { signal, headers: { Accept: 'application/json' }, cache: 'no-store' });
  return parseEmoteList(await answer(res));
}

/** The JSON answer, or the server's error as an ApiError. */
async function answer(res: Response): Promise<unknown> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = obj(obj(body)?.error);
    const code = typeof err?.code === 'string' ? err.code : `http_${res.status}`;
    const fallback = res.status === 413 ? 'The image is too large.' : `HTTP ${res.status}`;
    throw new ApiError(res.status, code, typeof err?.message === 'string' ? err.message : fallback);
  }
  return body;
}

/** Uploads the image's raw bytes (the body is the file itself, not JSON or a form). */
export async function uploadEmote(token: string, channel: string, code: string, image: Blob, fetchImpl: typeof fetch = fetch): Promise<CustomEmote> {
  return uploadEmoteTo(one(channel, code), token, image, fetchImpl);
}

/** Posts the image's raw bytes (the body is the file itself) to an emote's URL: a channel's or
 * an org's shared set. */
export async function uploadEmoteTo(url: string, token: string, image: Blob, fetchImpl: typeof fetch = fetch): Promise<CustomEmote> {
  const res = await fetchImpl(url, {
    method: 'POST',
    headers: { Accept: 'application/json', Authorization: `Bearer ${token}`, 'Content-Type': image.type || 'application/octet-stream' },
    body: image,
    cache: 'no-store',
  });
  const e = parseEmote(await answer(res));
  if (!e) throw new ApiError(0, 'bad_response', 'emote missing in the answer');
  return e;
}

export async function deleteEmote(token: string, channel: string, code: string): Promise<void> {
  await request('DELETE', one(channel, code), { token });
}

/** Sub emotes: 0 everyone, 1-3 subscribers of that tier and up. */
export async function setEmoteTier(token: string, channel: string, code: string, tier: number): Promise<CustomEmote | null> {
  return parseEmote(await request('PUT', one(channel, code), { token, body: { tier } }));
}

export async function takedownEmote(token: string, channel: string, code: string, reason: string): Promise<void> {
  await request('POST', `${one(channel, code)}/takedown`, { token, body: { reason } });
}

export async function fetchAdminEmotes(token: string, limit = 50): Promise<AdminEmote[]> {
  return parseAdminEmotes(await request('GET', `/api/v1/admin/emotes?limit=${limit}`, { token }));
}

/** What a channel's chat renders: its own emotes, then its orgs' whose codes it does not use. */
export function withOrgEmotes(own: readonly CustomEmote[], org: readonly CustomEmote[]): readonly CustomEmote[] {
  if (org.length === 0) return own;
  const taken = new Set(own.map((e) => e.code));
  return [...own, ...org.filter((e) => !taken.has(e.code))];
}
