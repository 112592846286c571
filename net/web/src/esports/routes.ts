// The esports pages' paths (pure): router.ts asks here first, so its own table stays unchanged.
export type EsportsRoute =
  | { kind: 'tournaments' }
  | { kind: 'tournament'; id: string }
  | { kind: 'spectate'; id: string }
  | { kind: 'teams' }
  | { kind: 'team'; slug: string }
  | { kind: 'leaderboard'; game: string; window: string }
  | { kind: 'player'; name: string; game: string };

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const SLUG_RE = /^[a-z0-9_-]{1,40}$/;

function decode(segment: string | undefined, re: RegExp): string | null {
  if (segment === undefined) return null;
  try {
    const v = decodeURIComponent(segment);
    return re.test(v) ? v : null;
  } catch {
    return null;
  }
}

/** The esports route of a path's parts (and its query), or null when it is none of them. */
export function parseEsportsRoute(parts: readonly string[], query: URLSearchParams): EsportsRoute | null {
  const [head, a, b] = parts;
  if (head === 'tournaments' && parts.length === 1) return { kind: 'tournaments' };
  if (head === 't' && (parts.length === 2 || (parts.length === 3 && b === 'spectate'))) {
    const id = decode(a, ID_RE);
    if (id !== null) return parts.length === 2 ? { kind: 'tournament', id } : { kind: 'spectate', id };
  }
  if (head === 'teams' && parts.length === 1) return { kind: 'teams' };
  if (head === 'teams' && parts.length === 2) {
    const slug = decode(a, SLUG_RE);
    if (slug !== null) return { kind: 'team', slug };
  }
  if (head === 'leaderboards' && parts.length === 2) {
    const game = decode(a, SLUG_RE);
    const w = query.get('window') ?? 'all_time';
    if (game !== null) return { kind: 'leaderboard', game, window: ['weekly', 'monthly', 'all_time'].includes(w) ? w : 'all_time' };
  }
  if (head === 'players' && parts.length === 2) {
    const name = decode(a, ID_RE);
    const game = query.get('game') ?? '';
    if (name !== null) return { kind: 'player', name, game: SLUG_RE.test(game) ? game : '' };
  }
  return null;
}

export const ESPORTS_KINDS: readonly string[] = ['tournaments', 'tournament', 'spectate', 'teams', 'team', 'leaderboard', 'player'];

export const tournamentPath = (id: string) => `/t/${encodeURIComponent(id)}`;
export const spectatePath = (id: string) => `${tournamentPath(id)}/spectate`;
export const teamPath = (slug: string) => `/teams/${encodeURIComponent(slug)}`;
export const leaderboardPath = (game: string, window?: string) =>
  `/leaderboards/${encodeURIComponent(game)}${window && window !== 'all_time' ? `?window=${window}` : ''}`;
export const playerPath = (name: string, game: string) => `/players/${encodeURIComponent(name)}${game ? `?game=${encodeURIComponent(game)}` : ''}`;
