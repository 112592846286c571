// REST calls of the esports contract (docs/esports.md): tournaments, teams, leaderboards.
// Calls send the session's token when there is one (organizers see more, registration needs it).
import { ApiError } from '../api';
import { request } from '../accountApi';
import { parseTournament, type Tournament } from './model';

const T = (id: string) => `/api/v1/tournaments/${encodeURIComponent(id)}`;
const opt = (token: string | null, body?: unknown) => ({ ...(token ? { token } : {}), ...(body === undefined ? {} : { body }) });

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : d);
const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function tournament(v: unknown): Tournament {
  const t = parseTournament(v);
  if (!t) throw new ApiError(0, 'bad_response', 'tournament missing in the answer');
  return t;
}

// ---- Tournaments ----

export interface TournamentSummary {
  id: string;
  name: string;
  game: string;
  format: string;
  state: string;
  entrants: number;
  starts_at_ms: number | null;
  champion: string | null;
}

export function parseSummary(v: unknown): TournamentSummary | null {
  const o = obj(v);
  const id = str(o.id);
  if (!id) return null;
  return {
    id,
    name: str(o.name, id),
    game: str(o.game),
    format: str(o.format),
    state: str(o.state),
    // A summary may carry the count or the list itself.
    entrants: Array.isArray(o.entrants) ? o.entrants.length : num(o.entrants, num(o.entrant_count)),
    starts_at_ms: typeof o.starts_at_ms === 'number' ? o.starts_at_ms : null,
    champion: typeof o.champion === 'string' && o.champion ? o.champion : null,
  };
}

export async function listTournaments(filter: { state?: string; game?: string; limit?: number }): Promise<TournamentSummary[]> {
  const q = new URLSearchParams();
  if (filter.state) q.set('state', filter.state);
  if (filter.game) q.set('game', filter.game);
  q.set('limit', String(filter.limit ?? 50));
  const body = obj(await request('GET', `/api/v1/tournaments?${q.toString()}`));
  return list(body.tournaments).flatMap((s) => {
    const p = parseSummary(s);
    return p ? [p] : [];
  });
}

export async function createTournament(token: string, body: Record<string, unknown>): Promise<Tournament> {
  return tournament(await request('POST', '/api/v1/tournaments', opt(token, body)));
}

export async function fetchTournament(id: string, token: string | null): Promise<Tournament> {
  return tournament(await request('GET', T(id), opt(token)));
}

/** The calls below answer the tournament (or nothing): the page reads it again when they do not. */
async function act(method: string, url: string, token: string, body?: unknown): Promise<Tournament | null> {
  return parseTournament(await request(method, url, opt(token, body)));
}

const M = (id: string, match: string) => `${T(id)}/matches/${encodeURIComponent(match)}`;

/** Registers the caller, or in a team tournament the caller's `team` (its captain only). */
export const register = (token: string, id: string, team?: string) => act('POST', `${T(id)}/entrants`, token, team ? { team } : {});
export const withdraw = (token: string, id: string, name: string) => act('DELETE', `${T(id)}/entrants/${encodeURIComponent(name)}`, token);
export const checkIn = (token: string, id: string, team?: string) => act('POST', `${T(id)}/check-in`, token, team ? { team } : {});
export const startTournament = (token: string, id: string) => act('POST', `${T(id)}/start`, token, {});
export const setResult = (token: string, id: string, match: string, winner: string, score: [number, number]) =>
  act('POST', `${M(id, match)}/result`, token, { winner, score });
export const reportResult = (token: string, id: string, match: string, winner: string, score: [number, number]) =>
  act('POST', `${M(id, match)}/report`, token, { winner, score });
export const forfeit = (token: string, id: string, match: string, entrant: string) => act('POST', `${M(id, match)}/forfeit`, token, { entrant });
export const schedule = (token: string, id: string, match: string, at: string) => act('PUT', `${M(id, match)}/schedule`, token, { at });
export const setStreams = (token: string, id: string, match: string, channels: string[]) => act('PUT', `${M(id, match)}/streams`, token, { channels });

export const calendarUrl = (id: string) => `${T(id)}/calendar.ics`;

// ---- Teams ----

export interface TeamMember {
  user: string;
  role: 'captain' | 'member';
  joined_at_ms: number | null;
}

export interface Team {
  slug: string;
  name: string;
  tag: string;
  bio: string;
  captain: string;
  members: TeamMember[];
  invites: string[];
  locked_by: string[];
}

export function parseTeam(v: unknown): Team | null {
  const o = obj(v);
  const slug = str(o.slug);
  if (!slug) return null;
  const captain = str(o.captain);
  return {
    slug,
    name: str(o.name, slug),
    tag: str(o.tag),
    bio: str(o.bio),
    captain,
    members: list(o.members).flatMap((m) => {
      const mo = obj(m);
      const user = str(mo.user);
      if (!user) return [];
      return [{ user, role: mo.role === 'captain' || user === captain ? ('captain' as const) : ('member' as const), joined_at_ms: typeof mo.joined_at_ms === 'number' ? mo.joined_at_ms : null }];
    }),
    invites: list(o.invites).flatMap((i) => (typeof i === 'string' ? [i] : typeof obj(i).user === 'string' ? [str(obj(i).user)] : [])),
    locked_by: list(o.locked_by).map((x) => str(x)).filter(Boolean),
  };
}

function team(v: unknown): Team {
  const t = parseTeam(v);
  if (!t) throw new ApiError(0, 'bad_response', 'team missing in the answer');
  return t;
}

const TM = (slug: string) => `/api/v1/teams/${encodeURIComponent(slug)}`;

export const fetchTeam = async (slug: string, token: string | null) => team(await request('GET', TM(slug), opt(token)));
export const createTeam = async (token: string, body: { slug: string; name: string; tag?: string; bio?: string }) => team(await request('POST', '/api/v1/teams', opt(token, body)));
export const inviteToTeam = (token: string, slug: string, user: string) => request('POST', `${TM(slug)}/invites`, opt(token, { user }));
export const acceptInvite = (token: string, slug: string) => request('POST', `${TM(slug)}/invites/accept`, opt(token, {}));
export const declineInvite = (token: string, slug: string) => request('POST', `${TM(slug)}/invites/decline`, opt(token, {}));
export const removeMember = (token: string, slug: string, user: string) => request('DELETE', `${TM(slug)}/members/${encodeURIComponent(user)}`, opt(token));

export interface MyTeam {
  slug: string;
  name: string;
  tag: string;
  role: 'captain' | 'member';
}

export interface MyTeams {
  teams: MyTeam[];
  /** Slugs (and names, when given) of the teams that invited the caller. */
  invites: { slug: string; name: string }[];
}

export async function fetchMyTeams(token: string): Promise<MyTeams> {
  const o = obj(await request('GET', '/api/v1/me/teams', opt(token)));
  return {
    // Each team as {team, name, tag, role} (or a whole team object with its slug).
    teams: list(o.teams).flatMap((t) => {
      const to = obj(t);
      const slug = str(to.team) || str(to.slug);
      if (!slug) return [];
      const role = to.role === 'captain' || (typeof to.captain === 'string' && to.captain === to.me) ? 'captain' : 'member';
      return [{ slug, name: str(to.name, slug), tag: str(to.tag), role: role as MyTeam['role'] }];
    }),
    invites: list(o.invites).flatMap((i) => {
      if (typeof i === 'string') return [{ slug: i, name: i }];
      const io = obj(i);
      const slug = str(io.slug) || str(io.team);
      return slug ? [{ slug, name: str(io.name, slug) }] : [];
    }),
  };
}

// ---- Leaderboards ----

export interface LbEntry {
  rank: number;
  player: string;
  value: number;
  /** Ranks climbed since the previous window (null: new this window). */
  change: number | null;
}

export interface Leaderboard {
  game: string;
  name: string;
  mode: string;
  window: string;
  window_start_ms: number | null;
  entries: LbEntry[];
}

function parseEntry(v: unknown): LbEntry | null {
  const o = obj(v);
  const player = str(o.player);
  if (!player) return null;
  return { rank: num(o.rank), player, value: num(o.value), change: typeof o.change === 'number' ? o.change : null };
}

const entries = (v: unknown) =>
  list(v).flatMap((e) => {
    const p = parseEntry(e);
    return p ? [p] : [];
  });

const LB = (game: string) => `/api/v1/leaderboards/${encodeURIComponent(game)}`;

export async function fetchLeaderboard(game: string, window: string, limit = 100): Promise<Leaderboard> {
  const o = obj(await request('GET', `${LB(game)}?${new URLSearchParams({ window, limit: String(limit) }).toString()}`));
  return {
    game: str(o.game, game),
    name: str(o.name, game),
    mode: str(o.mode, 'rating'),
    window: str(o.window, window),
    window_start_ms: typeof o.window_start_ms === 'number' ? o.window_start_ms : null,
    entries: entries(o.entries),
  };
}

export interface PlayerPosition {
  entry: LbEntry | null;
  /** The player's entry with its neighbours, best first. */
  around: LbEntry[];
}

export async function fetchPosition(game: string, player: string, window: string, around = 2): Promise<PlayerPosition> {
  const o = obj(await request('GET', `${LB(game)}/players/${encodeURIComponent(player)}?${new URLSearchParams({ window, around: String(around) }).toString()}`));
  const entry = parseEntry({ ...o, player: str(o.player, player) });
  // The node lists the neighbours (without the player) in "neighbours"; the player joins them.
  const near = [...entries(o.neighbours ?? o.entries ?? o.around), ...entries(o.above), ...entries(o.below)].filter((e) => e.player !== entry?.player);
  const ranked = typeof o.rank === 'number' && entry !== null;
  return { entry: ranked ? entry : null, around: [...near, ...(ranked ? [entry] : [])].sort((a, b) => a.rank - b.rank) };
}

export interface Achievement {
  badge: string;
  game: string;
  detail: string;
  at_ms: number | null;
  /** The owner's choice to show it beside their chat messages (users/{user}/achievements only). */
  show_in_chat: boolean;
}

function parseAchievements(v: unknown): Achievement[] {
  return list(v).flatMap((a) => {
    if (typeof a === 'string') return [{ badge: a, game: '', detail: '', at_ms: null, show_in_chat: false }];
    const o = obj(a);
    const badge = str(o.badge) || str(o.id) || str(o.name);
    return badge ? [{ badge, game: str(o.game), detail: str(o.detail) || str(o.tournament), at_ms: typeof o.at_ms === 'number' ? o.at_ms : null, show_in_chat: o.show_in_chat === true }] : [];
  });
}

export interface PlayerStats {
  matches: number;
  wins: number;
  losses: number;
  win_rate: number;
  rating: number | null;
  rating_history: { at_ms: number; rating: number }[];
  stats: Record<string, number>;
  achievements: Achievement[];
}

export async function fetchPlayerStats(player: string, game: string): Promise<PlayerStats> {
  const o = obj(await request('GET', `/api/v1/players/${encodeURIComponent(player)}/stats?${new URLSearchParams({ game }).toString()}`));
  const stats: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj(o.stats))) if (typeof v === 'number') stats[k] = v;
  return {
    matches: num(o.matches),
    wins: num(o.wins),
    losses: num(o.losses),
    win_rate: num(o.win_rate),
    rating: typeof o.rating === 'number' ? o.rating : null,
    rating_history: list(o.rating_history).flatMap((p) => {
      const po = obj(p);
      return typeof po.at_ms === 'number' && typeof po.rating === 'number' ? [{ at_ms: po.at_ms, rating: po.rating }] : [];
    }),
    stats,
    // A game's stats name their badges without the game: it is this one.
    achievements: parseAchievements(o.achievements).map((a) => ({ ...a, game: a.game || game })),
  };
}

export async function fetchUserAchievements(user: string): Promise<Achievement[]> {
  const o = await request('GET', `/api/v1/users/${encodeURIComponent(user)}/achievements`);
  return parseAchievements(Array.isArray(o) ? o : obj(o).achievements);
}

/** The owner shows one of their badges beside their chat messages, or stops. */
export async function setBadgeInChat(token: string, user: string, game: string, badge: string, show: boolean): Promise<void> {
  const [u, g, b] = [user, game, badge].map(encodeURIComponent);
  await request('PUT', `/api/v1/users/${u}/achievements/${g}/${b}`, opt(token, { show_in_chat: show }));
}
