// The esports contract's shapes (docs/esports.md) as the web UI reads them, with lenient parsers
// (a field the node leaves out gets a neutral value, so an older or newer node still renders),
// and the pure helpers of the pages: time zones, the create form's body, live frames.

export type TournamentFormat = 'single_elimination' | 'double_elimination' | 'round_robin' | 'swiss';
export type TournamentState = 'registration' | 'running' | 'finished' | 'canceled';
export type MatchStatus = 'waiting' | 'ready' | 'done' | 'disputed';

export interface Report {
  winner: string;
  score: [number, number] | null;
}

export interface VodLink {
  channel: string;
  vod: string;
  offset_s: number;
}

export interface Match {
  id: string;
  round: number;
  /** "winners" | "losers" | "grand_final" | "third_place" | "group" | "swiss". */
  bracket: string;
  group: number | null;
  opponents: [string | null, string | null];
  status: MatchStatus;
  winner: string | null;
  score: [number, number] | null;
  forfeit: boolean;
  reports: Record<string, Report>;
  scheduled_at_ms: number | null;
  channels: string[];
  vods: VodLink[];
  /** Where the winner / loser goes next (bracket.hpp); '' when out or finished; undefined when the node does not say. */
  winner_to?: string;
  loser_to?: string;
}

export interface Entrant {
  name: string;
  seed: number;
  checked_in: boolean;
}

export interface Standing {
  entrant: string;
  /** 0 while the entrant is still in an elimination bracket. */
  rank: number;
  group: number;
  points: number;
  wins: number;
  losses: number;
  game_wins: number;
  game_losses: number;
  buchholz: number;
}

export interface Tournament {
  id: string;
  name: string;
  game: string;
  format: TournamentFormat;
  state: TournamentState;
  organizer: string;
  organizers: string[];
  entrant_type: 'user' | 'team';
  entrants: Entrant[];
  best_of: number;
  starts_at_ms: number | null;
  check_in_opens_at_ms: number | null;
  chat_room: string;
  matches: Match[];
  standings: Standing[];
  champion: string | null;
  dropped: string[];
  grand_final: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : d);
const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function score(v: unknown): [number, number] | null {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number' ? [v[0], v[1]] : null;
}

const STATUSES: readonly string[] = ['waiting', 'ready', 'done', 'disputed'];

export function parseMatch(v: unknown): Match | null {
  const o = obj(v);
  if (!o || typeof o.id !== 'string') return null;
  const opp = Array.isArray(o.opponents) ? o.opponents : [];
  const reports: Record<string, Report> = {};
  for (const [side, r] of Object.entries(obj(o.reports) ?? {})) {
    const ro = obj(r);
    if (ro && typeof ro.winner === 'string') reports[side] = { winner: ro.winner, score: score(ro.score) };
  }
  const status = str(o.status, 'waiting');
  return {
    id: o.id,
    round: num(o.round, 1),
    bracket: str(o.bracket, 'winners'),
    group: numOrNull(o.group) || null,
    opponents: [strOrNull(opp[0]), strOrNull(opp[1])],
    status: (STATUSES.includes(status) ? status : 'waiting') as MatchStatus,
    winner: strOrNull(o.winner),
    score: score(o.score),
    forfeit: o.forfeit === true,
    reports,
    scheduled_at_ms: numOrNull(o.scheduled_at_ms),
    channels: strings(o.channels),
    vods: (Array.isArray(o.vods) ? o.vods : []).flatMap((x) => {
      const vo = obj(x);
      return vo && typeof vo.vod === 'string' ? [{ channel: str(vo.channel), vod: vo.vod, offset_s: num(vo.offset_s) }] : [];
    }),
    winner_to: typeof o.winner_to === 'string' ? o.winner_to : undefined,
    loser_to: typeof o.loser_to === 'string' ? o.loser_to : undefined,
  };
}

function parseStanding(v: unknown): Standing | null {
  const o = obj(v);
  if (!o) return null;
  const entrant = str(o.entrant) || str(o.name);
  if (!entrant) return null;
  return {
    entrant,
    rank: num(o.rank),
    group: num(o.group),
    points: num(o.points),
    wins: num(o.wins),
    losses: num(o.losses),
    game_wins: num(o.game_wins),
    game_losses: num(o.game_losses),
    buchholz: num(o.buchholz),
  };
}

const FORMATS: readonly string[] = ['single_elimination', 'double_elimination', 'round_robin', 'swiss'];
const STATES: readonly string[] = ['registration', 'running', 'finished', 'canceled'];

export function parseTournament(v: unknown): Tournament | null {
  const o = obj(v);
  if (!o || (typeof o.id !== 'string' && typeof o.id !== 'number')) return null;
  const id = str(o.id);
  const format = str(o.format, 'single_elimination');
  const state = str(o.state, 'registration');
  return {
    id,
    name: str(o.name, id),
    game: str(o.game),
    format: (FORMATS.includes(format) ? format : 'single_elimination') as TournamentFormat,
    state: (STATES.includes(state) ? state : 'registration') as TournamentState,
    organizer: str(o.organizer),
    organizers: strings(o.organizers),
    entrant_type: o.entrant_type === 'team' ? 'team' : 'user',
    entrants: (Array.isArray(o.entrants) ? o.entrants : []).flatMap((e, i) => {
      if (typeof e === 'string') return [{ name: e, seed: i + 1, checked_in: false }];
      const eo = obj(e);
      return eo && typeof eo.name === 'string' ? [{ name: eo.name, seed: num(eo.seed, i + 1), checked_in: eo.checked_in === true }] : [];
    }),
    best_of: num(o.best_of, 1),
    starts_at_ms: numOrNull(o.starts_at_ms),
    check_in_opens_at_ms: numOrNull(o.check_in_opens_at_ms),
    chat_room: str(o.chat_room, `tournament:${id}`),
    matches: (Array.isArray(o.matches) ? o.matches : []).flatMap((m) => {
      const p = parseMatch(m);
      return p ? [p] : [];
    }),
    standings: (Array.isArray(o.standings) ? o.standings : []).flatMap((s) => {
      const p = parseStanding(s);
      return p ? [p] : [];
    }),
    champion: strOrNull(o.champion),
    dropped: strings(o.dropped),
    grand_final: str(o.grand_final),
  };
}

/** A `{"type":"tournament","tournament":{…}}` frame of the tournament's chat room, else null. */
export function tournamentFromFrame(f: Record<string, unknown>, id: string): Tournament | null {
  if (f.type !== 'tournament') return null;
  const t = parseTournament(f.tournament);
  return t && t.id === id ? t : null;
}

/** The chat room of a tournament, as joined over /ws. */
export function tournamentRoom(t: Pick<Tournament, 'id' | 'chat_room'> | string): string {
  if (typeof t === 'string') return `tournament:${t}`;
  // The node names the room `chat/tournament:<id>` (the entity) or `tournament:<id>`.
  return t.chat_room.replace(/^chat\//, '') || `tournament:${t.id}`;
}

// ---- Who may do what ----

export function isOrganizer(t: Tournament, user: string | null): boolean {
  return user !== null && (t.organizer === user || t.organizers.includes(user));
}

/** The side (0 or 1) `user` plays in `m`, or `teams` (the caller's team slugs) does; else null. */
export function sideOf(m: Match, user: string | null, teams: readonly string[] = []): 0 | 1 | null {
  for (const i of [0, 1] as const) {
    const o = m.opponents[i];
    if (o !== null && (o === user || teams.includes(o))) return i;
  }
  return null;
}

// ---- Time zones ----

/** The viewer's IANA time zone ("Europe/Berlin"), named beside every time shown. */
export function viewerZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** A time in `zone` (default: the viewer's), with the zone's short name ("Mar 3, 2026, 18:00 CET"). */
export function formatInZone(ms: number, zone?: string, locale?: string): string {
  // dateStyle/timeStyle cannot be combined with timeZoneName: the fields one by one.
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: zone, timeZoneName: 'short' }).format(new Date(ms));
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/**
 * ISO 8601 with the offset of the local wall time it was entered in: `ms` is the instant,
 * `offsetMin` the zone's offset for it as Date.getTimezoneOffset() gives it (UTC − local, minutes).
 * "2026-03-03T18:00:00+01:00" keeps the organizer's intent readable; the node stores UTC.
 */
export function isoWithOffset(ms: number, offsetMin: number): string {
  const local = new Date(ms - offsetMin * 60_000);
  const east = -offsetMin;
  const sign = east >= 0 ? '+' : '-';
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(Math.abs(east) / 60))}:${pad(Math.abs(east) % 60)}`
  );
}

/** A `<input type="datetime-local">` value (the viewer's wall time) as ISO 8601 with offset; null when empty or invalid. */
export function localInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const d = new Date(value); // without an offset: the browser's local time
  if (Number.isNaN(d.getTime())) return null;
  return isoWithOffset(d.getTime(), d.getTimezoneOffset());
}

/** An instant as a `datetime-local` value in the viewer's zone (to prefill the schedule form). */
export function msToLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// ---- The create form ----

export interface CreateForm {
  name: string;
  game: string;
  format: TournamentFormat;
  grand_final: 'none' | 'simple' | 'double';
  third_place: boolean;
  groups: number;
  swiss_rounds: number;
  best_of: number;
  entrants: string;
  random_seeding: boolean;
  starts_at_local: string;
  check_in_minutes: number;
  start: boolean;
}

export const DEFAULT_FORM: CreateForm = {
  name: '',
  game: '',
  format: 'single_elimination',
  grand_final: 'simple',
  third_place: false,
  groups: 1,
  swiss_rounds: 0,
  best_of: 1,
  entrants: '',
  random_seeding: false,
  starts_at_local: '',
  check_in_minutes: 0,
  start: false,
};

/** One entrant per line, in seed order; blank lines and surrounding spaces dropped. */
export function parseEntrants(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/**
 * The POST /api/v1/tournaments body of the form, or the first problem as a sentence (the
 * node checks again; this saves a round trip and names the field).
 */
export function createBody(f: CreateForm): { body: Record<string, unknown> } | { error: string } {
  const name = f.name.trim();
  if (name.length < 1 || name.length > 80) return { error: 'The name needs 1–80 characters.' };
  const entrants = parseEntrants(f.entrants);
  if (new Set(entrants).size !== entrants.length) return { error: 'Entrant names must be distinct.' };
  if (entrants.length > 256) return { error: 'At most 256 entrants.' };
  if (f.start && entrants.length < 2) return { error: 'Starting now needs at least 2 entrants.' };
  const body: Record<string, unknown> = { name, format: f.format, best_of: f.best_of };
  if (f.game.trim()) body.game = f.game.trim();
  if (entrants.length) body.entrants = entrants;
  if (f.random_seeding) body.seeding = 'random';
  if (f.format === 'double_elimination') body.grand_final = f.grand_final;
  if (f.format === 'single_elimination' && f.third_place) body.third_place = true;
  if (f.format === 'round_robin') body.groups = f.groups;
  if (f.format === 'swiss' && f.swiss_rounds > 0) body.swiss_rounds = f.swiss_rounds;
  if (f.starts_at_local) {
    const at = localInputToIso(f.starts_at_local);
    if (!at) return { error: 'The start time is not a valid date and time.' };
    body.starts_at = at;
  }
  if (f.check_in_minutes > 0) body.check_in_minutes = f.check_in_minutes;
  if (f.start) body.start = true;
  return { body };
}

// ---- Presentation ----

export const FORMAT_LABELS: Record<TournamentFormat, string> = {
  single_elimination: 'Single elimination',
  double_elimination: 'Double elimination',
  round_robin: 'Round robin',
  swiss: 'Swiss',
};

/** The matches whose streams a spectator would want: running ones first (ready), then those still to come. */
export function liveChannels(t: Tournament, max = 4): string[] {
  const out: string[] = [];
  for (const want of ['ready', 'disputed', 'waiting'] as const)
    for (const m of t.matches)
      if (m.status === want) for (const c of m.channels) if (!out.includes(c)) out.push(c);
  return out.slice(0, max);
}

/** Leaderboard windows, as the API names them and as the tabs label them. */
export const WINDOWS = [
  { id: 'weekly', label: 'Weekly' },
  { id: 'monthly', label: 'Monthly' },
  { id: 'all_time', label: 'All time' },
] as const;
export type LbWindow = (typeof WINDOWS)[number]['id'];

/** A rank's change as an arrow and a label: positive = climbed. */
export function changeArrow(change: number | null): { glyph: string; label: string; cls: string } {
  if (change === null) return { glyph: '•', label: 'new', cls: 'lb-new' };
  if (change > 0) return { glyph: '▲', label: `up ${change}`, cls: 'lb-up' };
  if (change < 0) return { glyph: '▼', label: `down ${-change}`, cls: 'lb-down' };
  return { glyph: '–', label: 'no change', cls: 'lb-same' };
}

// ---- Round robin ----

export interface GroupRow {
  entrant: string;
  wins: number;
  losses: number;
  game_wins: number;
  game_losses: number;
}

/** Each group's table (from its settled matches: wins, then game difference, then name) and its matches. */
export function groupTables(matches: readonly Match[]): { group: number; rows: GroupRow[]; matches: Match[] }[] {
  const groups = new Map<number, Match[]>();
  for (const m of matches) groups.set(m.group ?? 1, [...(groups.get(m.group ?? 1) ?? []), m]);
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([group, ms]) => {
      const rows = new Map<string, GroupRow>();
      const row = (e: string) => {
        let r = rows.get(e);
        if (!r) rows.set(e, (r = { entrant: e, wins: 0, losses: 0, game_wins: 0, game_losses: 0 }));
        return r;
      };
      for (const m of ms) {
        for (const o of m.opponents) if (o !== null) row(o);
        if (m.status !== 'done' || !m.winner) continue;
        m.opponents.forEach((o, i) => {
          if (o === null) return;
          const r = row(o);
          if (o === m.winner) r.wins++;
          else r.losses++;
          if (m.score) {
            r.game_wins += m.score[i]!;
            r.game_losses += m.score[1 - i]!;
          }
        });
      }
      const sorted = [...rows.values()].sort(
        (a, b) => b.wins - a.wins || b.game_wins - b.game_losses - (a.game_wins - a.game_losses) || a.entrant.localeCompare(b.entrant),
      );
      return { group, rows: sorted, matches: ms };
    });
}

/** The score a result form starts with when `winner` (side 0 or 1) is picked in a best-of-`bestOf`. */
export function defaultScore(bestOf: number, winnerSide: 0 | 1): [number, number] {
  const needed = Math.ceil(Math.max(1, bestOf) / 2);
  return winnerSide === 0 ? [needed, 0] : [0, needed];
}

/** The match that made `champion` champion: the last grand final, else the winners' final they won. */
export function decidingMatch(matches: readonly Match[], champion: string): string | null {
  const won = matches.filter((m) => m.winner === champion && (m.bracket === 'grand_final' || m.bracket === 'winners'));
  won.sort((a, b) => Number(a.bracket === 'grand_final') - Number(b.bracket === 'grand_final') || a.round - b.round);
  return won[won.length - 1]?.id ?? null;
}
