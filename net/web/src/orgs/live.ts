// The channel page's org strip (docs/organisations.md, Web), pure: which other channels of the
// channel's org are live now, and which member streams on each (GET orgs/{org}/live names the
// members who went live with a member key; a channel's own owner streaming is not listed there).
export interface MemberLive {
  channel: string;
  streamer: string;
  since_ms: number;
}
export interface LiveChannel {
  name: string;
  title: string;
  live: boolean;
  viewers: number;
}
export interface AlsoLive {
  channel: string;
  title: string;
  viewers: number;
  /** The org member streaming there with a member key, or null (the channel's owner). */
  streamer: string | null;
}

/** At most this many orgs, channels asked and entries shown: the strip is one line, and each
 * channel costs a request every refresh. */
export const STRIP_ORGS_MAX = 3;
export const STRIP_CHANNELS_MAX = 20;
export const STRIP_SHOWN_MAX = 6;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** `{"live": [{channel, streamer, since_ms}]}`, defensively. */
export function parseMemberLive(v: unknown): MemberLive[] {
  const list = obj(v).live;
  if (!Array.isArray(list)) return [];
  return list
    .map((e) => obj(e))
    .filter((e) => typeof e.channel === 'string' && e.channel !== '')
    .map((e) => ({
      channel: e.channel as string,
      streamer: typeof e.streamer === 'string' ? e.streamer : '',
      since_ms: typeof e.since_ms === 'number' ? e.since_ms : 0,
    }));
}

/** The org's channels to ask about: all but the page's own, the first STRIP_CHANNELS_MAX. */
export function channelsToAsk(orgChannels: readonly string[], current: string): string[] {
  return [...new Set(orgChannels)].filter((c) => c !== current).slice(0, STRIP_CHANNELS_MAX);
}

/** The other live channels, most watched first (then by name), with their member streamer. */
export function alsoLive(current: string, channels: readonly LiveChannel[], members: readonly MemberLive[]): AlsoLive[] {
  const streamer = new Map(members.map((m) => [m.channel, m.streamer]));
  return channels
    .filter((c) => c.live && c.name !== current)
    .sort((a, b) => b.viewers - a.viewers || a.name.localeCompare(b.name))
    .slice(0, STRIP_SHOWN_MAX)
    .map((c) => ({ channel: c.name, title: c.title, viewers: c.viewers, streamer: streamer.get(c.name) || null }));
}
