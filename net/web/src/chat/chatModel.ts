// Chat state of one room as the server's frames describe it (docs/chat-protocol.md). Pure, so
// the reducer is unit-tested without a socket.
import { parseRaid, parseRaidFrame, raidedText, type Raid } from '../raidApi';
import { parseRedemption, redemptionText } from '../engagement/model';
import { nowPlayingText, parseNowPlayingFrame } from '../music/model';

/** What the sender of a message held by AutoMod reads (notice `held`). */
export const HELD_TEXT = 'Your message is being reviewed by moderators.';

export interface ChatMessage {
  id: number;
  user: string;
  text: string;
  badges: string[];
  ts: number;
  /** Held by AutoMod and approved by a moderator. */
  automod?: boolean;
}

export type ChatLine =
  | { kind: 'msg'; key: string; msg: ChatMessage }
  | { kind: 'system'; key: string; text: string; code?: string; own?: boolean };

export type Role = 'viewer' | 'moderator' | 'broadcaster';

/** The room's pinned announcement (moderators and the broadcaster make one). */
export interface Announcement {
  id: number;
  user: string | null;
  text: string;
  ts: number;
}

export interface ChatSettings {
  slow_s: number;
  emote_only: boolean;
  followers_only: boolean;
  subscribers_only: boolean;
  rate_count: number;
  rate_window_s: number;
}

export interface ChatState {
  user: string | null;
  role: Role;
  joined: boolean;
  lines: ChatLine[];
  viewers: number | null;
  settings: ChatSettings | null;
  announcement: Announcement | null;
  /** The room's channel is counting down to a raid (its viewers see a banner). */
  raid: Raid | null;
  seq: number; // for unique keys of system lines
}

export const MAX_LINES = 200;

export const initialChat: ChatState = {
  user: null,
  role: 'viewer',
  joined: false,
  lines: [],
  viewers: null,
  settings: null,
  announcement: null,
  raid: null,
  seq: 0,
};

type Frame = Record<string, unknown>;

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}

function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function parseMessage(v: unknown): ChatMessage | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Frame;
  if (typeof o.id !== 'number' || typeof o.user !== 'string' || typeof o.text !== 'string') return null;
  return {
    id: o.id,
    user: o.user,
    text: o.text,
    badges: Array.isArray(o.badges) ? o.badges.filter((b): b is string => typeof b === 'string') : [],
    ts: num(o.ts),
    ...(o.automod === true ? { automod: true } : {}),
  };
}

function parseRole(v: unknown): Role {
  return v === 'moderator' || v === 'broadcaster' ? v : 'viewer';
}

function parseSettings(v: unknown): ChatSettings | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Frame;
  return {
    slow_s: num(o.slow_s),
    emote_only: o.emote_only === true,
    followers_only: o.followers_only === true,
    subscribers_only: o.subscribers_only === true,
    rate_count: num(o.rate_count, 20),
    rate_window_s: num(o.rate_window_s, 30),
  };
}

/** An `announcement` frame or the `joined` frame's field; null when cleared (empty text) or junk. */
export function parseAnnouncement(v: unknown): Announcement | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Frame;
  if (typeof o.text !== 'string' || o.text === '') return null;
  return { id: num(o.id), user: typeof o.user === 'string' ? o.user : null, text: o.text, ts: num(o.ts) };
}

function cap(lines: ChatLine[]): ChatLine[] {
  return lines.length > MAX_LINES ? lines.slice(lines.length - MAX_LINES) : lines;
}

function system(s: ChatState, text: string, extra: { code?: string; own?: boolean } = {}): ChatState {
  const seq = s.seq + 1;
  return { ...s, seq, lines: cap([...s.lines, { kind: 'system', key: `s${seq}`, text, ...extra }]) };
}

/** A short sentence for a settings change, or null when nothing visible changed. */
export function describeSettings(prev: ChatSettings | null, next: ChatSettings): string | null {
  const parts: string[] = [];
  if (!prev || prev.slow_s !== next.slow_s) parts.push(next.slow_s > 0 ? `slow mode ${next.slow_s} s` : 'slow mode off');
  if (!prev || prev.emote_only !== next.emote_only) parts.push(`emote-only ${next.emote_only ? 'on' : 'off'}`);
  if (!prev || prev.followers_only !== next.followers_only) parts.push(`followers-only ${next.followers_only ? 'on' : 'off'}`);
  if (!prev || prev.subscribers_only !== next.subscribers_only) parts.push(`subscribers-only ${next.subscribers_only ? 'on' : 'off'}`);
  if (!prev || prev.rate_count !== next.rate_count || prev.rate_window_s !== next.rate_window_s)
    parts.push(`limit ${next.rate_count} messages / ${next.rate_window_s} s`);
  return parts.length ? `Chat settings: ${parts.join(', ')}` : null;
}

export interface Applied {
  state: ChatState;
  reactions?: Record<string, number>;
  /** A raid went: the page takes its viewers to this channel. */
  raidGo?: string;
}

/** Applies one server frame (a JSON array is a batch of frames). */
export function applyFrame(s: ChatState, frame: unknown): Applied {
  if (Array.isArray(frame)) {
    let state = s;
    const reactions: Record<string, number> = {};
    let any = false;
    let raidGo: string | undefined;
    for (const f of frame) {
      const r = applyFrame(state, f);
      state = r.state;
      raidGo = r.raidGo ?? raidGo;
      for (const [k, n] of Object.entries(r.reactions ?? {})) {
        reactions[k] = (reactions[k] ?? 0) + n;
        any = true;
      }
    }
    return { state, ...(any ? { reactions } : {}), ...(raidGo !== undefined ? { raidGo } : {}) };
  }
  if (typeof frame !== 'object' || frame === null) return { state: s };
  const f = frame as Frame;
  const raidEvent = parseRaidFrame(f);
  if (raidEvent) return applyRaid(s, raidEvent);
  switch (f.type) {
    case 'auth_ok':
      return { state: { ...s, user: str(f.user) || null } };
    case 'joined':
    case 'role': {
      const settings = parseSettings(f.settings) ?? s.settings;
      const viewers = typeof f.viewers === 'number' ? f.viewers : s.viewers;
      // `joined` names the connection's user too: a shared page connection may have signed in
      // before this room's listener was there to see auth_ok.
      const user = f.type === 'joined' && 'user' in f ? str(f.user) || null : s.user;
      // An older server's `joined` has no `announcement`: keep what we have rather than guess.
      const announcement = f.type === 'joined' && 'announcement' in f ? parseAnnouncement(f.announcement) : s.announcement;
      // A raid already counting down when we joined, if the server says so.
      const raid = f.type === 'joined' && 'raid' in f ? parseRaid(f.raid) : s.raid;
      return {
        state: { ...s, user, joined: s.joined || f.type === 'joined', role: parseRole(f.role), settings, viewers, announcement, raid },
      };
    }
    case 'announcement':
      // Empty text clears; a frame without text at all is junk and changes nothing.
      return typeof f.text === 'string' ? { state: { ...s, announcement: parseAnnouncement(f) } } : { state: s };
    case 'history': {
      const msgs = Array.isArray(f.messages) ? f.messages.map(parseMessage).filter((m): m is ChatMessage => m !== null) : [];
      const lines: ChatLine[] = msgs.map((msg) => ({ kind: 'msg', key: `m${msg.id}`, msg }));
      return { state: { ...s, lines: cap(lines) } };
    }
    case 'msg': {
      const msg = parseMessage(f);
      if (!msg || s.lines.some((l) => l.kind === 'msg' && l.msg.id === msg.id)) return { state: s };
      return { state: { ...s, lines: cap([...s.lines, { kind: 'msg', key: `m${msg.id}`, msg }]) } };
    }
    case 'deleted': {
      const id = num(f.id, -1);
      return { state: { ...s, lines: s.lines.filter((l) => !(l.kind === 'msg' && l.msg.id === id)) } };
    }
    case 'moderation': {
      const user = str(f.user);
      const action = str(f.action);
      let next = s;
      if (user && user === s.user && (action === 'mod' || action === 'unmod'))
        next = { ...next, role: action === 'mod' ? 'moderator' : 'viewer' };
      const text =
        action === 'timeout'
          ? `${user} was timed out for ${num(f.duration_s)} s`
          : action === 'ban'
            ? `${user} was banned`
            : action === 'unban'
              ? `${user} was unbanned`
              : action === 'untimeout'
                ? `${user} may chat again`
                : action === 'mod'
                  ? `${user} is now a moderator`
                  : `${user} is no longer a moderator`;
      return { state: system(next, text, { code: action }) };
    }
    case 'settings': {
      const settings = parseSettings(f.settings);
      if (!settings) return { state: s };
      const text = describeSettings(s.settings, settings);
      const next = { ...s, settings };
      return { state: text ? system(next, text, { code: 'settings' }) : next };
    }
    case 'presence':
      return { state: { ...s, viewers: num(f.viewers) } };
    case 'reactions': {
      const counts: Record<string, number> = {};
      if (typeof f.counts === 'object' && f.counts !== null)
        for (const [k, v] of Object.entries(f.counts as Frame)) if (typeof v === 'number') counts[k] = v;
      return { state: s, reactions: counts };
    }
    case 'redemption': {
      const r = parseRedemption(f.redemption ?? f);
      return r ? { state: system(s, redemptionText(r), { code: 'redemption' }) } : { state: s };
    }
    case 'automod_held': {
      // Moderators hear of held messages; the mod page's queue decides on them.
      const item = typeof f.item === 'object' && f.item !== null ? (f.item as Frame) : null;
      if (!item || !canModerate(s.role)) return { state: s };
      return { state: system(s, `Held for review: ${str(item.user)}: ${str(item.text)}`, { code: 'automod_held' }) };
    }
    case 'now_playing': {
      // DJ mode's announcement (docs/music.md); the overlays' own now_playing frame has no `play`,
      // and a channel that does not announce plays in chat sends `announce: false`.
      const play = f.announce === false ? null : parseNowPlayingFrame(f)?.play;
      return play ? { state: system(s, nowPlayingText(play), { code: 'now_playing' }) } : { state: s };
    }
    case 'notice':
      if (f.code === 'held') return { state: system(s, HELD_TEXT, { code: 'held', own: true }) };
      return { state: system(s, str(f.message, 'request refused'), { code: str(f.code), own: true }) };
    case 'error':
      return { state: system(s, str(f.message, 'request refused'), { code: str(f.code), own: true }) };
    case 'ok':
      return f.message ? { state: system(s, str(f.message), { code: 'ok', own: true }) } : { state: s };
    default:
      return { state: s };
  }
}

function applyRaid(s: ChatState, e: NonNullable<ReturnType<typeof parseRaidFrame>>): Applied {
  switch (e.kind) {
    case 'countdown':
      return { state: { ...s, raid: e.raid } };
    case 'cancelled':
      return { state: s.raid ? system({ ...s, raid: null }, 'The raid was cancelled', { code: 'raid_cancelled' }) : s };
    case 'go':
      return { state: { ...s, raid: null }, raidGo: e.target };
    case 'raided':
      return { state: system(s, raidedText(e.from, e.viewers), { code: 'raided' }) };
  }
}

/** True when `role` may use moderation tools. */
export function canModerate(role: Role): boolean {
  return role === 'moderator' || role === 'broadcaster';
}
