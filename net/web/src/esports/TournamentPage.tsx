// /t/<id>: a tournament's page. Header (name, state, champion), registration and check-in, the
// bracket (live: the room's `tournament` frames), the match panel, standings, and the
// tournament's chat room beside the bracket.
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { ChatPanel } from '../chat/ChatPanel';
import { calendarUrl, checkIn, fetchMyTeams, register, startTournament, withdraw } from './api';
import { BracketView } from './Bracket';
import { MatchPanel } from './MatchPanel';
import { FORMAT_LABELS, formatInZone, isOrganizer, sideOf, tournamentRoom, viewerZone, type Tournament } from './model';
import { leaderboardPath, spectatePath } from './routes';
import { useTournament } from './useTournament';

export function TournamentPage({ id }: { id: string }) {
  const session = useSession();
  const account = hasAccount(session) ? session : null;
  const token = account?.token ?? null;
  const me = account?.username ?? null;
  const view = useTournament(id, token);
  const t = view.tournament;
  const [selected, setSelected] = useState<string | null>(null);
  const myTeams = useMyTeamSlugs(token, t?.entrant_type === 'team');

  useEffect(() => {
    document.title = `${t ? t.name : 'Tournament'} · AeThex LIVE`;
  }, [t?.name]);

  // The chat mounts with the page, not once the tournament is read: a room's `joined` and
  // history frames go to the listeners there when they arrive, and a chat panel joining the
  // already joined room later would miss them.
  const chat = (
    <aside class="chat-column t-chat" id="chat" aria-label="Tournament chat">
      <ChatPanel channel={tournamentRoom(id)} />
    </aside>
  );
  if (!t)
    return (
      <main class="esports-page tournament-layout" id="tournament-page" data-state={view.state}>
        <section class="t-main">
          {view.state === 'not_found' ? <h1>Tournament not found</h1> : view.state === 'error' ? <p class="es-error">Couldn't load the tournament. Retrying…</p> : <div class="spinner" aria-label="Loading" />}
        </section>
        {chat}
      </main>
    );

  const organizer = isOrganizer(t, me) || session?.username === 'admin';
  const match = selected ? t.matches.find((m) => m.id === selected) ?? null : null;
  return (
    <main class="esports-page tournament-layout" id="tournament-page" data-state="ready" data-tournament={t.id} data-frames={view.frames}>
      <section class="t-main">
        <Header t={t} />
        <Registration t={t} token={token} me={me} teams={myTeams} organizer={organizer && !!session} adminToken={session?.token ?? null} onUpdate={view.update} />
        {t.dropped.length > 0 && organizer && (
          <p class="es-note" id="t-dropped" role="status">
            Results no longer valid after an edit: {t.dropped.join(', ')}
          </p>
        )}
        <div class="t-bracket-area">
          <BracketView tournament={t} selected={selected} onSelect={setSelected} />
          {match && (
            <MatchPanel
              tournament={t}
              match={match}
              token={session?.token ?? null}
              organizer={organizer}
              side={sideOf(match, me, myTeams)}
              onUpdate={view.update}
              onClose={() => setSelected(null)}
            />
          )}
        </div>
        <Standings t={t} />
      </section>
      {chat}
    </main>
  );
}

function Header({ t }: { t: Tournament }) {
  return (
    <header class="t-header">
      <h1 id="t-title">{t.name}</h1>
      <p class="t-meta">
        <span class={`t-state t-state-${t.state}`} id="t-state" data-state={t.state}>
          {t.state}
        </span>
        <span>{FORMAT_LABELS[t.format]}</span>
        {t.best_of > 1 && <span>Best of {t.best_of}</span>}
        {t.game && (
          <a href={leaderboardPath(t.game)} id="t-game">
            {t.game}
          </a>
        )}
        <span>{t.entrants.length} entrants</span>
        {t.starts_at_ms !== null && (
          <span id="t-starts">
            Starts {formatInZone(t.starts_at_ms)} <span class="muted">({viewerZone()})</span>
          </span>
        )}
        <span class="muted">by {t.organizer}</span>
      </p>
      {t.champion && (
        <p class="t-champion" id="t-champion" data-champion={t.champion}>
          🏆 Champion: <strong>{t.champion}</strong>
        </p>
      )}
      <p class="t-links">
        <a href={spectatePath(t.id)} id="t-spectate" class="btn">
          Spectate
        </a>
        <a href={calendarUrl(t.id)} id="t-ical" class="btn" download={`tournament-${t.id}.ics`}>
          Calendar (iCal)
        </a>
      </p>
    </header>
  );
}

/** The teams the viewer captains, for team tournaments (a captain registers, checks in and reports). */
function useMyTeamSlugs(token: string | null, needed: boolean): string[] {
  const [slugs, setSlugs] = useState<string[]>([]);
  useEffect(() => {
    if (!token || !needed) return;
    let live = true;
    fetchMyTeams(token)
      .then((m) => live && setSlugs(m.teams.filter((x) => x.role === 'captain').map((x) => x.slug)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [token, needed]);
  return slugs;
}

interface RegProps {
  t: Tournament;
  token: string | null;
  me: string | null;
  teams: string[];
  organizer: boolean;
  adminToken: string | null;
  onUpdate(t: Tournament | null): void;
}

function Registration({ t, token, me, teams, organizer, adminToken, onUpdate }: RegProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [team, setTeam] = useState<string>('');
  if (t.state !== 'registration') return null;
  const run = async (call: () => Promise<Tournament | null>) => {
    setBusy(true);
    setError(null);
    try {
      onUpdate(await call());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const mine = t.entrants.find((e) => e.name === me || teams.includes(e.name)) ?? null;
  const forTeams = t.entrant_type === 'team';
  const chosenTeam = team || teams[0] || '';
  const now = Date.now();
  const checkInOpen = t.check_in_opens_at_ms !== null && now >= t.check_in_opens_at_ms && (t.starts_at_ms === null || now < t.starts_at_ms);
  return (
    <div class="t-registration" id="t-registration">
      {!token && (
        <p class="muted">
          <a href="/login">Log in</a> to register.
        </p>
      )}
      {token && !mine && forTeams && teams.length === 0 && <p class="muted">Only a team's captain registers it.</p>}
      {token && !mine && forTeams && teams.length > 1 && (
        <label>
          Team{' '}
          <select id="t-register-team" value={chosenTeam} onChange={(e) => setTeam((e.target as HTMLSelectElement).value)}>
            {teams.map((slug) => (
              <option key={slug} value={slug}>
                {slug}
              </option>
            ))}
          </select>
        </label>
      )}
      {token && !mine && (!forTeams || teams.length > 0) && (
        <button type="button" class="btn btn-primary" id="t-register" disabled={busy} onClick={() => run(() => register(token, t.id, forTeams ? chosenTeam : undefined))}>
          Register{forTeams ? ` ${chosenTeam}` : ''}
        </button>
      )}
      {token && mine && (
        <>
          <span id="t-registered">Registered as {mine.name}</span>
          {mine.checked_in ? (
            <span class="t-checked-in" id="t-checked-in">
              ✓ checked in
            </span>
          ) : (
            checkInOpen && (
              <button type="button" class="btn btn-primary" id="t-checkin" disabled={busy} onClick={() => run(() => checkIn(token, t.id, forTeams ? mine.name : undefined))}>
                Check in
              </button>
            )
          )}
          <button type="button" class="btn" id="t-withdraw" disabled={busy} onClick={() => run(() => withdraw(token, t.id, mine.name))}>
            Withdraw
          </button>
        </>
      )}
      {organizer && adminToken && (
        <button type="button" class="btn" id="t-start" disabled={busy || t.entrants.length < 2} onClick={() => run(() => startTournament(adminToken, t.id))}>
          Start the tournament
        </button>
      )}
      {t.check_in_opens_at_ms !== null && !checkInOpen && now < t.check_in_opens_at_ms && <span class="muted">Check-in opens {formatInZone(t.check_in_opens_at_ms)}</span>}
      {error && (
        <p class="es-error" id="t-registration-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function Standings({ t }: { t: Tournament }) {
  if (!t.standings.length) return null;
  return (
    <section class="es-card t-standings" aria-labelledby="t-standings-title">
      <h2 id="t-standings-title">Standings</h2>
      <table class="es-table" id="t-standings">
        <thead>
          <tr>
            <th scope="col">Place</th>
            <th scope="col">Entrant</th>
            <th scope="col">W–L</th>
            <th scope="col">Games</th>
            {t.format === 'swiss' && <th scope="col">Points</th>}
            {t.format === 'swiss' && <th scope="col">Buchholz</th>}
          </tr>
        </thead>
        <tbody>
          {t.standings.map((s) => (
            <tr data-entrant={s.entrant}>
              <td>{s.rank > 0 ? s.rank : '—'}</td>
              <td>{s.entrant}</td>
              <td>
                {s.wins}–{s.losses}
              </td>
              <td>
                {s.game_wins}–{s.game_losses}
              </td>
              {t.format === 'swiss' && <td>{s.points}</td>}
              {t.format === 'swiss' && <td>{s.buchholz}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
