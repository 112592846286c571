import { describe, expect, it } from 'vitest';
import { parseAchievementBadge } from './badges';
import { fetchMyTeams, fetchPlayerStats, fetchPosition, parseSummary, parseTeam } from './api';
import {
  changeArrow,
  createBody,
  decidingMatch,
  DEFAULT_FORM,
  defaultScore,
  formatInZone,
  groupTables,
  isoWithOffset,
  liveChannels,
  localInputToIso,
  parseEntrants,
  parseTournament,
  sideOf,
  tournamentFromFrame,
  tournamentRoom,
  type Match,
} from './model';
import { parseEsportsRoute, playerPath } from './routes';

const match = (id: string, extra: Partial<Record<string, unknown>> = {}) => ({ id, round: 1, bracket: 'winners', opponents: ['a', 'b'], status: 'ready', ...extra });

describe('parseTournament', () => {
  it('reads the contract shape and fills in what is left out', () => {
    const t = parseTournament({
      id: '42',
      name: 'Cup',
      format: 'double_elimination',
      state: 'running',
      organizer: 'org',
      entrants: [{ name: 'a', seed: 1, checked_in: true }, 'b'],
      matches: [match('W1-1', { winner_to: 'W2-1', score: [2, 1], reports: { a: { winner: 'a', score: [2, 1] } } }), { nope: 1 }],
      standings: [{ entrant: 'a', rank: 1, wins: 1 }],
      champion: null,
    })!;
    expect(t.id).toBe('42');
    expect(t.format).toBe('double_elimination');
    expect(t.entrants).toEqual([
      { name: 'a', seed: 1, checked_in: true },
      { name: 'b', seed: 2, checked_in: false },
    ]);
    expect(t.matches).toHaveLength(1);
    expect(t.matches[0]!.winner_to).toBe('W2-1');
    expect(t.matches[0]!.reports.a).toEqual({ winner: 'a', score: [2, 1] });
    expect(t.standings[0]!.wins).toBe(1);
    expect(t.champion).toBeNull();
    expect(t.chat_room).toBe('tournament:42');
  });

  it('takes numeric ids and refuses what is no tournament', () => {
    expect(parseTournament({ id: 7 })!.id).toBe('7');
    expect(parseTournament(null)).toBeNull();
    expect(parseTournament({ name: 'x' })).toBeNull();
  });

  it('keeps unknown statuses out', () => {
    const t = parseTournament({ id: '1', matches: [match('W1-1', { status: 'exploded' })] })!;
    expect(t.matches[0]!.status).toBe('waiting');
  });
});

describe('live frames and rooms', () => {
  it('takes the tournament frame of this tournament only', () => {
    expect(tournamentFromFrame({ type: 'tournament', tournament: { id: '5', champion: 'a' } }, '5')!.champion).toBe('a');
    expect(tournamentFromFrame({ type: 'tournament', tournament: { id: '6' } }, '5')).toBeNull();
    expect(tournamentFromFrame({ type: 'msg', text: 'hi' }, '5')).toBeNull();
  });

  it('names the room the page joins', () => {
    expect(tournamentRoom('9')).toBe('tournament:9');
    expect(tournamentRoom({ id: '9', chat_room: 'chat/tournament:9' })).toBe('tournament:9');
    expect(tournamentRoom({ id: '9', chat_room: 'tournament:9' })).toBe('tournament:9');
  });
});

describe('time zones', () => {
  it('writes ISO 8601 with the offset of the wall time', () => {
    const ms = Date.UTC(2026, 2, 3, 17, 0, 0); // 17:00 UTC
    expect(isoWithOffset(ms, -60)).toBe('2026-03-03T18:00:00+01:00'); // CET
    expect(isoWithOffset(ms, 300)).toBe('2026-03-03T12:00:00-05:00'); // EST
    expect(isoWithOffset(ms, -330)).toBe('2026-03-03T22:30:00+05:30'); // India
    expect(isoWithOffset(ms, 0)).toBe('2026-03-03T17:00:00+00:00');
  });

  it('turns a datetime-local value into the same instant with its offset', () => {
    const iso = localInputToIso('2026-07-01T20:30')!;
    expect(iso).toMatch(/^2026-07-01T20:30:00[+-]\d{2}:\d{2}$/);
    expect(new Date(iso).getTime()).toBe(new Date('2026-07-01T20:30').getTime());
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('tomorrow')).toBeNull();
  });

  it('names the zone of a time it shows', () => {
    const s = formatInZone(Date.UTC(2026, 0, 15, 12, 0), 'America/New_York', 'en-US');
    expect(s).toContain('7:00');
    expect(s).toMatch(/EST/);
  });
});

describe('the create form', () => {
  it('sends the entrants in seed order and the format options', () => {
    const r = createBody({ ...DEFAULT_FORM, name: ' Cup ', format: 'double_elimination', grand_final: 'double', entrants: 'a\n\n b \nc\r\nd', best_of: 3, start: true });
    expect(r).toEqual({ body: { name: 'Cup', format: 'double_elimination', grand_final: 'double', best_of: 3, entrants: ['a', 'b', 'c', 'd'], start: true } });
  });

  it('sends only the options of the chosen format', () => {
    const rr = createBody({ ...DEFAULT_FORM, name: 'x', format: 'round_robin', groups: 2, third_place: true, grand_final: 'double' });
    expect('body' in rr && rr.body).toEqual({ name: 'x', format: 'round_robin', groups: 2, best_of: 1 });
    const sw = createBody({ ...DEFAULT_FORM, name: 'x', format: 'swiss', swiss_rounds: 4, random_seeding: true, check_in_minutes: 30 });
    expect('body' in sw && sw.body).toEqual({ name: 'x', format: 'swiss', swiss_rounds: 4, seeding: 'random', check_in_minutes: 30, best_of: 1 });
  });

  it('sends the start time with the viewer offset', () => {
    const r = createBody({ ...DEFAULT_FORM, name: 'x', starts_at_local: '2026-05-01T18:00' });
    expect('body' in r && String(r.body.starts_at)).toMatch(/^2026-05-01T18:00:00[+-]\d{2}:\d{2}$/);
  });

  it('names the problem instead of sending a bad form', () => {
    expect(createBody({ ...DEFAULT_FORM, name: '' })).toHaveProperty('error');
    expect(createBody({ ...DEFAULT_FORM, name: 'x', entrants: 'a\na' })).toEqual({ error: 'Entrant names must be distinct.' });
    expect(createBody({ ...DEFAULT_FORM, name: 'x', entrants: 'a', start: true })).toHaveProperty('error');
    expect(createBody({ ...DEFAULT_FORM, name: 'x', starts_at_local: 'soon' })).toHaveProperty('error');
    expect(parseEntrants(' \n')).toEqual([]);
  });
});

describe('matches', () => {
  const m = (o: Partial<Match>): Match => ({ ...parseTournament({ id: '1', matches: [match('X')] })!.matches[0]!, ...o });

  it('tells which side the viewer (or their team) plays', () => {
    const x = m({ opponents: ['ann', 'team_b'] });
    expect(sideOf(x, 'ann')).toBe(0);
    expect(sideOf(x, 'bob', ['team_b'])).toBe(1);
    expect(sideOf(x, 'bob')).toBeNull();
    expect(sideOf(x, null)).toBeNull();
  });

  it('finds the match that decided the champion', () => {
    const ms = [
      m({ id: 'W1-1', bracket: 'winners', round: 1, winner: 'a' }),
      m({ id: 'W2-1', bracket: 'winners', round: 2, winner: 'a' }),
      m({ id: 'GF1', bracket: 'grand_final', round: 1, winner: 'b' }),
      m({ id: 'GF2', bracket: 'grand_final', round: 2, winner: 'a' }),
      m({ id: '3P', bracket: 'third_place', round: 2, winner: 'a' }),
    ];
    expect(decidingMatch(ms, 'a')).toBe('GF2');
    expect(decidingMatch(ms.slice(0, 2), 'a')).toBe('W2-1');
    expect(decidingMatch(ms, 'z')).toBeNull();
  });

  it('starts the score of a pick at the games needed', () => {
    expect(defaultScore(1, 0)).toEqual([1, 0]);
    expect(defaultScore(3, 1)).toEqual([0, 2]);
    expect(defaultScore(7, 0)).toEqual([4, 0]);
  });

  it('ranks each round-robin group by wins, then game difference', () => {
    const groups = groupTables([
      m({ id: 'G1R1-1', group: 1, opponents: ['a', 'b'], status: 'done', winner: 'b', score: [0, 2] }),
      m({ id: 'G1R1-2', group: 1, opponents: ['c', 'd'], status: 'done', winner: 'c', score: [2, 1] }),
      m({ id: 'G2R1-1', group: 2, opponents: ['e', 'f'], status: 'ready', winner: null, score: null }),
    ]);
    expect(groups.map((g) => g.group)).toEqual([1, 2]);
    expect(groups[0]!.rows.map((r) => r.entrant)).toEqual(['b', 'c', 'd', 'a']);
    expect(groups[0]!.rows[0]).toMatchObject({ wins: 1, losses: 0, game_wins: 2, game_losses: 0 });
    expect(groups[1]!.rows.map((r) => r.wins)).toEqual([0, 0]);
  });

  it('offers the streams of running matches first, at most four', () => {
    const t = parseTournament({
      id: '1',
      matches: [
        match('W1-1', { status: 'waiting', channels: ['later'] }),
        match('W1-2', { status: 'ready', channels: ['one', 'two'] }),
        match('W1-3', { status: 'done', channels: ['over'] }),
        match('W1-4', { status: 'ready', channels: ['two', 'three', 'four'] }),
      ],
    })!;
    expect(liveChannels(t)).toEqual(['one', 'two', 'three', 'four']);
    expect(liveChannels(t, 10)).toEqual(['one', 'two', 'three', 'four', 'later']);
  });
});

describe('routes', () => {
  const r = (path: string) => {
    const [p, q = ''] = path.split('?');
    return parseEsportsRoute(p!.split('/').filter(Boolean), new URLSearchParams(q));
  };
  it('parses the esports paths', () => {
    expect(r('/tournaments')).toEqual({ kind: 'tournaments' });
    expect(r('/t/42')).toEqual({ kind: 'tournament', id: '42' });
    expect(r('/t/42/spectate')).toEqual({ kind: 'spectate', id: '42' });
    expect(r('/teams')).toEqual({ kind: 'teams' });
    expect(r('/teams/red_team')).toEqual({ kind: 'team', slug: 'red_team' });
    expect(r('/leaderboards/chess?window=weekly')).toEqual({ kind: 'leaderboard', game: 'chess', window: 'weekly' });
    expect(r('/leaderboards/chess?window=yearly')).toEqual({ kind: 'leaderboard', game: 'chess', window: 'all_time' });
    expect(r('/players/ann?game=chess')).toEqual({ kind: 'player', name: 'ann', game: 'chess' });
    expect(r('/t/42/nope')).toBeNull();
    expect(r('/teams/Bad%20Slug')).toBeNull();
    expect(r('/c/ann')).toBeNull();
    expect(playerPath('ann', 'chess')).toBe('/players/ann?game=chess');
  });
});

describe('teams, lists, leaderboards', () => {
  it('reads a team with its captain first-class', () => {
    const t = parseTeam({ slug: 'red', name: 'Red', captain: 'ann', members: [{ user: 'ann' }, { user: 'bob', role: 'member' }], invites: ['cat'] })!;
    expect(t.members.map((m) => m.role)).toEqual(['captain', 'member']);
    expect(t.invites).toEqual(['cat']);
    expect(parseTeam({})).toBeNull();
  });

  it('reads summaries with a count or a list of entrants', () => {
    expect(parseSummary({ id: '1', entrants: ['a', 'b'] })!.entrants).toBe(2);
    expect(parseSummary({ id: '1', entrants: 5 })!.entrants).toBe(5);
  });

  it('shows rank changes as arrows', () => {
    expect(changeArrow(3)).toMatchObject({ glyph: '▲', cls: 'lb-up' });
    expect(changeArrow(-2)).toMatchObject({ glyph: '▼', label: 'down 2' });
    expect(changeArrow(0).cls).toBe('lb-same');
    expect(changeArrow(null).label).toBe('new');
  });
});

describe('leaderboard answers', () => {
  it('puts the player among their neighbours and names the game of a stats badge', async () => {
    const answers: Record<string, unknown> = {
      '/api/v1/leaderboards/chess/players/bob?window=all_time&around=2': {
        player: 'bob',
        rank: 3,
        value: 1362.5,
        change: null,
        neighbours: [
          { player: 'dan', rank: 2, value: 1563.9, change: 1 },
          { player: 'cat', rank: 4, value: 1243.3, change: -1 },
        ],
      },
      '/api/v1/players/ann/stats?game=chess': { matches: 3, wins: 3, losses: 0, win_rate: 1, rating: 1809, rating_history: [{ at_ms: 1, rating: 1662 }], stats: {}, achievements: [{ badge: 'first_win', detail: null }] },
    };
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (url: string) => new Response(JSON.stringify(answers[url] ?? null), { status: answers[url] ? 200 : 404 })) as typeof fetch;
    try {
      const pos = await fetchPosition('chess', 'bob', 'all_time');
      expect(pos.entry).toMatchObject({ player: 'bob', rank: 3 });
      expect(pos.around.map((e) => e.player)).toEqual(['dan', 'bob', 'cat']);
      const stats = await fetchPlayerStats('ann', 'chess');
      expect(stats.achievements).toEqual([{ badge: 'first_win', game: 'chess', detail: '', at_ms: null, show_in_chat: false }]);
      expect(stats.rating_history).toEqual([{ at_ms: 1, rating: 1662 }]);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});

describe('my teams', () => {
  it('reads the node answer: teams by their slug with my role, invites by team', async () => {
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async () =>
      new Response(
        JSON.stringify({
          invites: [{ by: 'capt', name: 'Blue', tag: 'BLU', team: 'blue_team' }],
          teams: [{ name: 'Red Team', role: 'member', tag: 'RED', team: 'red_team' }],
        }),
      )) as typeof fetch;
    try {
      const mine = await fetchMyTeams('t'.repeat(64));
      expect(mine.teams).toEqual([{ slug: 'red_team', name: 'Red Team', tag: 'RED', role: 'member' }]);
      expect(mine.invites).toEqual([{ slug: 'blue_team', name: 'Blue' }]);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});

describe('achievement badges in chat', () => {
  it('reads "achievement/<game>/<badge>" and nothing else', () => {
    expect(parseAchievementBadge('achievement/chess/first_win')).toEqual({ game: 'chess', badge: 'first_win' });
    expect(parseAchievementBadge('subscriber/1/3')).toBeNull();
    expect(parseAchievementBadge('achievement/chess')).toBeNull();
    expect(parseAchievementBadge('moderator')).toBeNull();
  });
});
