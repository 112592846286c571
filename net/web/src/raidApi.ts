// Typed client for raids (channels/{c}/raid, raid-settings, raid-blocks) and the pure logic for
// the countdown and the raid frames of a chat room.
import { ApiError } from './api';
import { request } from './accountApi';

export interface Raid {
  target: string;
  viewers: number;
  go_at_ms: number;
  /** `countdown` until it goes, then `done`. */
  state: string;
}

export type RaidAccept = 'everyone' | 'followed' | 'nobody';

export interface RaidSettings {
  accept: RaidAccept;
  /** Channels whose raids this channel refuses. */
  blocked: string[];
}

/** A raid-related frame of a chat room, as the room's viewers see it. */
export type RaidEvent =
  | { kind: 'countdown'; raid: Raid }
  | { kind: 'cancelled' }
  | { kind: 'go'; target: string }
  | { kind: 'raided'; from: string; viewers: number };

export const RAID_COUNTDOWN_S = 90;

const base = (c: string) => `/api/v1/channels/${encodeURIComponent(c)}`;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function parseRaid(v: unknown): Raid | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.target !== 'string' || o.target === '') return null;
  return { target: o.target, viewers: num(o.viewers), go_at_ms: num(o.go_at_ms), state: typeof o.state === 'string' ? o.state : 'countdown' };
}

/** `{"raid": {...} | null}` as every raid call answers. */
export function parseRaidAnswer(v: unknown): Raid | null {
  return parseRaid((v as { raid?: unknown } | null)?.raid);
}

export function parseRaidAccept(v: unknown): RaidAccept {
  return v === 'followed' || v === 'nobody' ? v : 'everyone';
}

export function parseRaidSettings(v: unknown): RaidSettings {
  const o = (v ?? {}) as Record<string, unknown>;
  const blocked = Array.isArray(o.blocked) ? o.blocked.filter((b): b is string => typeof b === 'string' && b !== '') : [];
  return { accept: parseRaidAccept(o.accept), blocked: [...new Set(blocked)].sort() };
}

/** Reads a raid frame of a chat room; null for every other frame. */
export function parseRaidFrame(f: Record<string, unknown>): RaidEvent | null {
  switch (f.type) {
    case 'raid': {
      const raid = parseRaid({ ...f, state: 'countdown' });
      return raid ? { kind: 'countdown', raid } : null;
    }
    case 'raid_cancelled':
      return { kind: 'cancelled' };
    case 'raid_go':
      return typeof f.target === 'string' && f.target !== '' ? { kind: 'go', target: f.target } : null;
    case 'raided':
      return typeof f.from === 'string' && f.from !== '' ? { kind: 'raided', from: f.from, viewers: num(f.viewers) } : null;
    default:
      return null;
  }
}

/** Whole seconds until the raid goes (rounded up, never negative). */
export function secondsLeft(goAtMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((goAtMs - nowMs) / 1000));
}

/** "57 s", "1:30" for a minute or more, "now" at zero. */
export function formatCountdown(seconds: number): string {
  if (seconds <= 0) return 'now';
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** The viewers' banner: "Raiding vega in 57 s". */
export function raidBannerText(target: string, seconds: number): string {
  return seconds > 0 ? `Raiding ${target} in ${formatCountdown(seconds)}` : `Raiding ${target} now…`;
}

/** The target room's highlighted line: "nova is raiding with 12 viewers". */
export function raidedText(from: string, viewers: number): string {
  return `${from} is raiding with ${viewers} viewer${viewers === 1 ? '' : 's'}`;
}

/** The text for a refused raid call. */
export function raidErrorText(e: unknown, target = ''): string {
  if (!(e instanceof ApiError)) return 'Could not reach the server.';
  if (e.status === 404) return target ? `There is no channel named ${target}.` : e.message;
  if (e.status === 403) return target ? `${target} does not accept raids from this channel.` : e.message;
  return e.message; // 409: already raiding, you are offline, or the target is
}

/** A target as typed: trimmed, a leading "@" or "/c/" dropped, lower case. */
export function normaliseTarget(text: string): string {
  return text.trim().replace(/^@|^\/?c\//, '').toLowerCase();
}

export async function fetchRaid(token: string, channel: string): Promise<Raid | null> {
  return parseRaidAnswer(await request('GET', `${base(channel)}/raid`, { token }));
}

export async function startRaid(token: string, channel: string, target: string): Promise<Raid | null> {
  return parseRaidAnswer(await request('POST', `${base(channel)}/raid`, { token, body: { target } }));
}

export async function raidNow(token: string, channel: string): Promise<Raid | null> {
  return parseRaidAnswer(await request('POST', `${base(channel)}/raid/go`, { token }));
}

export async function cancelRaid(token: string, channel: string): Promise<void> {
  await request('DELETE', `${base(channel)}/raid`, { token });
}

export async function fetchRaidSettings(token: string, channel: string): Promise<RaidSettings> {
  return parseRaidSettings(await request('GET', `${base(channel)}/raid-settings`, { token }));
}

/** PATCH the accept choice; answers the settings (what we asked for, if the answer has none). */
export async function updateRaidAccept(token: string, channel: string, accept: RaidAccept, current: RaidSettings): Promise<RaidSettings> {
  const res = (await request('PATCH', `${base(channel)}/raid-settings`, { token, body: { accept } })) as Record<string, unknown> | null;
  return typeof res?.accept === 'string' ? parseRaidSettings({ blocked: current.blocked, ...res }) : { ...current, accept };
}

/** Adds or removes a raid block; answers the blocked list after it. */
export async function setRaidBlock(token: string, channel: string, other: string, blocked: boolean, current: string[]): Promise<string[]> {
  const res = (await request(blocked ? 'POST' : 'DELETE', `${base(channel)}/raid-blocks/${encodeURIComponent(other)}`, { token })) as
    | Record<string, unknown>
    | null;
  if (Array.isArray(res?.blocked)) return parseRaidSettings(res).blocked;
  const next = blocked ? [...current, other] : current.filter((b) => b !== other);
  return [...new Set(next)].sort();
}
