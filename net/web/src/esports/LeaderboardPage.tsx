// /leaderboards/<game>: a game's leaderboard per window (weekly, monthly, all time) with the
// change since the previous window, and for a signed-in player their position with neighbours.
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { fetchLeaderboard, fetchPosition, type LbEntry, type Leaderboard, type PlayerPosition } from './api';
import { changeArrow, WINDOWS } from './model';
import { leaderboardPath, playerPath } from './routes';

export function LeaderboardPage({ game, window: win }: { game: string; window: string }) {
  const session = useSession();
  const me = hasAccount(session) ? session.username : null;
  const [board, setBoard] = useState<Leaderboard | null>(null);
  const [mine, setMine] = useState<PlayerPosition | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'not_found' | 'error'>('loading');

  useEffect(() => {
    let live = true;
    fetchLeaderboard(game, win)
      .then((b) => {
        if (!live) return;
        setBoard(b);
        setState('ready');
        document.title = `${b.name} leaderboard · AeThex LIVE`;
      })
      .catch((e: { status?: number }) => live && setState(e.status === 404 ? 'not_found' : 'error'));
    if (me)
      fetchPosition(game, me, win)
        .then((p) => live && setMine(p))
        .catch(() => live && setMine(null));
    return () => {
      live = false;
    };
  }, [game, win, me]);

  return (
    <main class="esports-page" id="leaderboard-page" data-state={state}>
      <h1>{board ? board.name : game} leaderboard</h1>
      <nav class="lb-tabs" aria-label="Window">
        {WINDOWS.map((w) => (
          <a href={leaderboardPath(game, w.id)} class="btn-chip" aria-current={w.id === win ? 'page' : undefined} data-window={w.id}>
            {w.label}
          </a>
        ))}
      </nav>
      {state === 'not_found' && <p>No leaderboard for {game}.</p>}
      {state === 'error' && <p class="es-error">Couldn't load the leaderboard.</p>}
      {mine?.entry && (
        <section class="es-card" id="lb-me" aria-labelledby="lb-me-title">
          <h2 id="lb-me-title">My position</h2>
          <Table entries={mine.around} game={game} me={me} unit={board?.mode === 'score' ? 'Score' : 'Rating'} />
        </section>
      )}
      {board && (
        <section class="es-card">
          {board.entries.length === 0 ? <p class="muted">Nobody is ranked in this window yet.</p> : <Table entries={board.entries} game={game} me={me} unit={board.mode === 'score' ? 'Score' : 'Rating'} id="lb-table" />}
        </section>
      )}
    </main>
  );
}

function Table({ entries, game, me, unit, id }: { entries: LbEntry[]; game: string; me: string | null; unit: string; id?: string }) {
  return (
    <table class="es-table lb-table" id={id}>
      <thead>
        <tr>
          <th scope="col">Rank</th>
          <th scope="col">Player</th>
          <th scope="col">{unit}</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => {
          const c = changeArrow(e.change);
          return (
            <tr data-player={e.player} class={e.player === me ? 'lb-mine' : ''}>
              <td>{e.rank}</td>
              <td>
                <a href={playerPath(e.player, game)}>{e.player}</a>
              </td>
              <td>{Math.round(e.value)}</td>
              <td class={c.cls} aria-label={c.label} title={c.label}>
                {c.glyph}
                {e.change ? ` ${Math.abs(e.change)}` : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
