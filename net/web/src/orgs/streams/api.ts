// REST calls of the org's multi-streamer management (docs/organisations.md, "Multi-streamer
// management"): shared moderators and bans, go-live rules with member keys, the schedule, org
// analytics, the org's shared emotes.
import { request } from '../../accountApi';
import { parseEmoteList, uploadEmoteTo, type CustomEmote, type EmoteList } from '../../chat/customEmotes';

const S = (slug: string) => `/api/v1/orgs/${encodeURIComponent(slug)}`;
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

export interface OrgBan {
  user: string;
  reason: string;
  by: string;
  at_ms: number;
}
export interface OrgRule {
  channel: string;
  members: { member: string; has_key: boolean }[];
}
export interface ScheduleEntry {
  id: string;
  channel: string;
  title: string;
  starts_at_ms: number;
  duration_min: number;
  streamer: string | null;
}
export interface StreamsPolicy {
  moderators: string[];
  bans: OrgBan[];
  rules: OrgRule[];
  schedule: ScheduleEntry[];
  /** The shared emotes' codes (their images: fetchOrgEmotes). */
  emotes: string[];
  /** Member keys issued by this answer, shown once. */
  keys: { member: string; key: string }[];
}

export function parsePolicy(v: unknown): StreamsPolicy {
  const o = obj(v);
  return {
    moderators: list(o.moderators).map((m) => str(obj(m).user)),
    bans: list(o.bans).map((b) => ({ user: str(obj(b).user), reason: str(obj(b).reason), by: str(obj(b).by), at_ms: num(obj(b).at_ms) })),
    rules: list(o.rules).map((r) => ({
      channel: str(obj(r).channel),
      members: list(obj(r).members).map((m) => ({ member: str(obj(m).member), has_key: obj(m).has_key === true })),
    })),
    schedule: list(o.schedule).map((e) => {
      const x = obj(e);
      return {
        id: str(x.id),
        channel: str(x.channel),
        title: str(x.title),
        starts_at_ms: num(x.starts_at_ms),
        duration_min: num(x.duration_min),
        streamer: typeof x.streamer === 'string' ? x.streamer : null,
      };
    }),
    emotes: list(o.emotes).map(str).filter(Boolean),
    keys: list(o.keys).map((k) => ({ member: str(obj(k).member), key: str(obj(k).key) })),
  };
}

export interface ChannelTotals {
  channel: string;
  totals: Record<string, number>;
}
export interface OrgAnalytics {
  totals: Record<string, number>;
  channels: ChannelTotals[];
}

export function parseAnalytics(v: unknown): OrgAnalytics {
  const o = obj(v);
  const figures = (t: unknown) => Object.fromEntries(Object.entries(obj(t)).map(([k, n]) => [k, num(n)]));
  return {
    totals: figures(o.totals),
    channels: list(o.channels).map((c) => ({ channel: str(obj(c).channel), totals: figures(obj(c).totals) })),
  };
}

const policy = async (p: Promise<unknown>) => parsePolicy(await p);

export const fetchPolicy = (token: string, slug: string) => policy(request('GET', `${S(slug)}/streams`, { token }));
export const addModerator = (token: string, slug: string, user: string) => policy(request('POST', `${S(slug)}/streams/moderators`, { token, body: { user } }));
export const removeModerator = (token: string, slug: string, user: string) =>
  policy(request('DELETE', `${S(slug)}/streams/moderators/${encodeURIComponent(user)}`, { token }));
export const ban = (token: string, slug: string, user: string, reason: string) => policy(request('POST', `${S(slug)}/streams/bans`, { token, body: { user, reason } }));
export const unban = (token: string, slug: string, user: string) => policy(request('DELETE', `${S(slug)}/streams/bans/${encodeURIComponent(user)}`, { token }));
export const setRule = (token: string, slug: string, channel: string, members: string[]) =>
  policy(request('PUT', `${S(slug)}/streams/rules/${encodeURIComponent(channel)}`, { token, body: { members } }));
export const rotateKey = (token: string, slug: string, channel: string, member: string) =>
  policy(request('POST', `${S(slug)}/streams/rules/${encodeURIComponent(channel)}/keys/${encodeURIComponent(member)}`, { token }));
export const schedule = (token: string, slug: string, e: { channel: string; title: string; starts_at_ms: number; duration_min: number; streamer?: string }) =>
  policy(request('POST', `${S(slug)}/schedule`, { token, body: e }));
export const unschedule = (token: string, slug: string, id: string) => policy(request('DELETE', `${S(slug)}/schedule/${encodeURIComponent(id)}`, { token }));
export const fetchAnalytics = async (token: string, slug: string, from: number, to: number) =>
  parseAnalytics(await request('GET', `${S(slug)}/analytics?from=${from}&to=${to}`, { token }));
export const analyticsCsvUrl = (slug: string, from: number, to: number) => `${S(slug)}/analytics.csv?from=${from}&to=${to}`;
export const icsUrl = (slug: string) => `${S(slug)}/schedule.ics`;

/** Members of a comma- or space-separated list, trimmed, without blanks or repeats. */
export function memberList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean))];
}

// ---- Shared emotes: the rules and answers of a channel's emotes (docs/emotes.md) ----

export const fetchOrgEmotes = async (slug: string): Promise<EmoteList> => parseEmoteList(await request('GET', `${S(slug)}/emotes`));

/** Uploads the image's raw bytes, as for a channel's emote. */
export const uploadOrgEmote = (token: string, slug: string, code: string, image: Blob, fetchImpl: typeof fetch = fetch): Promise<CustomEmote> =>
  uploadEmoteTo(`${S(slug)}/emotes/${encodeURIComponent(code)}`, token, image, fetchImpl);

export const deleteOrgEmote = (token: string, slug: string, code: string) => request('DELETE', `${S(slug)}/emotes/${encodeURIComponent(code)}`, { token });
