// Community moderation as the node describes it (docs/moderation.md): AutoMod's queue of held
// messages, the moderation log, user cards, unban requests, the ban list and the channel's roles.
// Parsers are lenient (a missing field is empty, junk entries are dropped); the queue's reducer
// merges pushed `automod_held` frames with reads. Pure, tested in moderation.test.ts.

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const list = <T,>(v: unknown, key: string, parse: (x: unknown) => T | null): T[] => {
  const a = obj(v)?.[key];
  return Array.isArray(a) ? a.map(parse).filter((x): x is T => x !== null) : [];
};
function firstNum(o: Obj, ...keys: string[]): number | null {
  for (const k of keys) if (typeof o[k] === 'number' && Number.isFinite(o[k])) return o[k] as number;
  return null;
}

// ---- AutoMod queue ----

export interface HeldItem {
  id: number;
  user: string;
  text: string;
  category: string;
  level: number;
  ts: number;
}

export function parseHeldItem(v: unknown): HeldItem | null {
  const o = obj(v);
  if (!o || typeof o.id !== 'number' || typeof o.user !== 'string') return null;
  return { id: o.id, user: o.user, text: str(o.text), category: str(o.category), level: num(o.level), ts: num(o.ts) };
}

export const parseQueue = (v: unknown): HeldItem[] => list(v, 'items', parseHeldItem);

/** The queue after a read: what the read says, plus items pushed since that it could not know. */
export function mergeQueue(current: readonly HeldItem[], read: readonly HeldItem[], decided: ReadonlySet<number>): HeldItem[] {
  const newest = read.reduce((m, i) => Math.max(m, i.id), 0);
  const later = current.filter((i) => i.id > newest);
  return sortQueue([...read, ...later].filter((i) => !decided.has(i.id)));
}

/** A pushed held item joins the queue once, in id order (oldest first, like the server's). */
export function addHeld(current: readonly HeldItem[], item: HeldItem, decided: ReadonlySet<number>): HeldItem[] {
  if (decided.has(item.id) || current.some((i) => i.id === item.id)) return current as HeldItem[];
  return sortQueue([...current, item]);
}

const sortQueue = (q: HeldItem[]) => q.sort((a, b) => a.id - b.id);

/** An `automod_held` frame's item, else null. */
export function parseHeldFrame(f: Obj): HeldItem | null {
  return f.type === 'automod_held' ? parseHeldItem(f.item) : null;
}

/** An `automod_resolved` frame (a moderator approved or denied an item): its id, else null. */
export function parseResolvedFrame(f: Obj): number | null {
  return f.type === 'automod_resolved' && typeof f.id === 'number' ? f.id : null;
}

// ---- Moderation log ----

export interface LogEntry {
  id: number;
  at_ms: number;
  action: string;
  by: string;
  user: string;
  reason: string;
  detail: Obj;
}

export function parseLogEntry(v: unknown): LogEntry | null {
  const o = obj(v);
  if (!o || typeof o.action !== 'string') return null;
  return { id: num(o.id), at_ms: num(o.at_ms), action: o.action, by: str(o.by), user: str(o.user ?? o.target), reason: str(o.reason), detail: obj(o.detail) ?? {} };
}

export const parseLog = (v: unknown): LogEntry[] => list(v, 'entries', parseLogEntry);

/** What each action did, `{user}` standing for its target. */
const ACTIONS: Record<string, string> = {
  delete: 'deleted a message of {user}',
  timeout: 'timed out {user}',
  untimeout: 'lifted the timeout of {user}',
  ban: 'banned {user}',
  unban: 'unbanned {user}',
  mod: 'made {user} a moderator',
  unmod: 'removed {user} as moderator',
  vip: 'made {user} a VIP',
  unvip: 'removed {user} as VIP',
  editor: 'made {user} an editor',
  uneditor: 'removed {user} as editor',
  automod_approve: 'approved a held message of {user}',
  automod_deny: 'denied a held message of {user}',
  unban_request_accept: 'accepted the unban request of {user}',
  unban_request_deny: 'denied the unban request of {user}',
  ban_import: 'imported bans',
  settings: 'changed the chat settings',
};

/** One line of the log: "mia banned bob (spam)", "nova made mia a moderator". */
export function describeLogEntry(e: LogEntry): string {
  const template = ACTIONS[e.action] ?? `${e.action.replace(/_/g, ' ')}${e.user ? ' {user}' : ''}`;
  const secs = num(e.detail.duration_s ?? e.detail.seconds);
  const extra = e.action === 'timeout' && secs ? ` for ${formatDuration(secs)}` : '';
  return `${e.by || 'someone'} ${template.replace('{user}', e.user || 'someone')}${extra}${e.reason ? ` (${e.reason})` : ''}`;
}

/** 600 -> "10 min", 90 -> "90 s", 7200 -> "2 h", 172800 -> "2 d". */
export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

/** How long ago / since: "3 days", "5 months", "2 years" (for account and follow age). */
export function formatAge(sinceMs: number, nowMs: number): string {
  const days = Math.floor((nowMs - sinceMs) / 86_400_000);
  if (days < 1) return 'less than a day';
  if (days < 60) return `${days} day${days === 1 ? '' : 's'}`;
  if (days < 730) return `${Math.floor(days / 30)} months`;
  return `${Math.floor(days / 365)} years`;
}

// ---- User card ----

export interface CardMessage {
  id: number;
  text: string;
  ts: number;
  /** A moderator deleted it (the card still shows it, marked). */
  deleted: boolean;
}

export interface UserCard {
  user: string;
  /** When the account was made (ms), null when unknown (a guest). */
  created_at_ms: number | null;
  /** When the user followed the channel, null when not following. */
  followed_at_ms: number | null;
  messages: CardMessage[];
  /** Moderation of this user here (timeouts, bans, deletions…), as the log has it. */
  history: LogEntry[];
  banned: boolean;
  timeout_until_ms: number | null;
  roles: string[];
}

export function parseUserCard(v: unknown, user: string): UserCard {
  const o = obj(v) ?? {};
  const account = obj(o.account) ?? {};
  const follow = obj(o.follow) ?? {};
  const messages = (Array.isArray(o.messages) ? o.messages : Array.isArray(o.recent_messages) ? o.recent_messages : [])
    .map(obj)
    .filter((m): m is Obj => m !== null)
    .map((m) => ({ id: num(m.id), text: str(m.text), ts: num(m.ts ?? m.at_ms), deleted: m.deleted === true }));
  const rawHistory = [o.moderation, o.history, o.actions].find(Array.isArray) ?? [];
  return {
    user: str(o.user) || user,
    created_at_ms: firstNum(o, 'account_created_ms', 'created_at_ms') ?? firstNum(account, 'created_at_ms'),
    followed_at_ms: firstNum(o, 'following_since_ms', 'followed_at_ms') ?? firstNum(follow, 'since_ms', 'at_ms'),
    messages,
    history: rawHistory.map(parseLogEntry).filter((e): e is LogEntry => e !== null),
    banned: o.banned === true,
    timeout_until_ms: firstNum(o, 'timeout_until_ms'),
    roles: Array.isArray(o.roles) ? o.roles.filter((r): r is string => typeof r === 'string') : [],
  };
}

// ---- Unban requests, bans, roles ----

export interface UnbanRequest {
  id: number;
  user: string;
  text: string;
  status: 'pending' | 'accepted' | 'denied';
  at_ms: number;
  decided_by: string;
}

export function parseUnbanRequest(v: unknown): UnbanRequest | null {
  const o = obj(v);
  if (!o || typeof o.id !== 'number') return null;
  const status = o.status === 'accepted' || o.status === 'denied' ? o.status : 'pending';
  return { id: o.id, user: str(o.user), text: str(o.text), status, at_ms: num(o.at_ms), decided_by: str(o.decided_by) };
}

export const parseUnbanRequests = (v: unknown): UnbanRequest[] => list(v, 'requests', parseUnbanRequest);

export interface Ban {
  user: string;
  reason: string;
  at_ms: number;
  by: string;
}

export function parseBan(v: unknown): Ban | null {
  const o = obj(v);
  if (!o || typeof o.user !== 'string' || o.user === '') return null;
  return { user: o.user, reason: str(o.reason), at_ms: num(o.at_ms), by: str(o.by) };
}

/** `GET …/bans` answers a plain array; an object with `bans` (our export file) is read too. */
export const parseBans = (v: unknown): Ban[] =>
  Array.isArray(v) ? v.map(parseBan).filter((b): b is Ban => b !== null) : list(v, 'bans', parseBan);

/**
 * A ban list file to import: our own export (`{"bans":[{user, reason}]}`), a plain array of
 * such objects or of names, or text with one name per line. Names are checked, duplicates
 * dropped; at most `max` entries.
 */
export function parseBanFile(text: string, max = 1000): { bans: { user: string; reason: string }[]; skipped: number } {
  let raw: unknown[] = [];
  const t = text.trim();
  try {
    const v: unknown = JSON.parse(t);
    raw = Array.isArray(v) ? v : Array.isArray(obj(v)?.bans) ? (obj(v)!.bans as unknown[]) : [];
  } catch {
    raw = t.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  }
  const seen = new Set<string>();
  const bans: { user: string; reason: string }[] = [];
  let skipped = 0;
  for (const r of raw) {
    const o = obj(r);
    const user = (typeof r === 'string' ? r : str(o?.user)).trim();
    if (!/^(guest:)?[A-Za-z0-9_]{1,64}$/.test(user) || seen.has(user.toLowerCase()) || bans.length >= max) {
      skipped++;
      continue;
    }
    seen.add(user.toLowerCase());
    bans.push({ user, reason: str(o?.reason) });
  }
  return { bans, skipped };
}

export type ChannelRole = 'moderator' | 'vip' | 'editor';
export const CHANNEL_ROLES: readonly ChannelRole[] = ['moderator', 'vip', 'editor'];

export type Roles = Record<ChannelRole, string[]>;

export function parseRoles(v: unknown): Roles {
  const o = obj(v) ?? {};
  const names = (x: unknown) => (Array.isArray(x) ? [...new Set(x.filter((n): n is string => typeof n === 'string' && n !== ''))].sort() : []);
  return { moderator: names(o.moderators), vip: names(o.vips), editor: names(o.editors) };
}
