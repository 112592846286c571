// /tournaments: the list (filtered by state and game) and, for an account, the Create form.
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { navigate } from '../router';
import { createTournament, listTournaments, type TournamentSummary } from './api';
import { createBody, DEFAULT_FORM, FORMAT_LABELS, formatInZone, parseEntrants, viewerZone, type CreateForm, type TournamentFormat } from './model';
import { tournamentPath } from './routes';

const STATES = [
  { id: '', label: 'All' },
  { id: 'registration', label: 'Registration' },
  { id: 'running', label: 'Running' },
  { id: 'finished', label: 'Finished' },
];

export function TournamentsPage() {
  const session = useSession();
  const [state, setState] = useState('');
  const [game, setGame] = useState('');
  const [list, setList] = useState<TournamentSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = 'Tournaments · AeThex LIVE';
  }, []);

  useEffect(() => {
    let live = true;
    // Typing a game filter waits for a pause instead of asking per keystroke.
    const timer = window.setTimeout(() => {
      listTournaments({ state, game: game.trim() })
        .then((l) => {
          if (live) {
            setList(l);
            setError(null);
          }
        })
        .catch((e: Error) => live && setError(e.message));
    }, 200);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [state, game]);

  return (
    <main class="esports-page" id="tournaments-page">
      <header class="es-page-head">
        <h1>Tournaments</h1>
        {hasAccount(session) && (
          <a href="/teams" id="nav-my-teams">
            My teams
          </a>
        )}
      </header>
      <div class="es-columns">
        <section class="es-main" aria-labelledby="t-list-title">
          <h2 id="t-list-title" class="visually-hidden">
            Tournament list
          </h2>
          <div class="es-filters" role="group" aria-label="Filters">
            <label>
              State{' '}
              <select id="t-filter-state" value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value)}>
                {STATES.map((s) => (
                  <option value={s.id}>{s.label}</option>
                ))}
              </select>
            </label>
            <label>
              Game <input id="t-filter-game" value={game} placeholder="any" onInput={(e) => setGame((e.target as HTMLInputElement).value)} />
            </label>
          </div>
          {error && (
            <p class="es-error" role="alert">
              {error}
            </p>
          )}
          {list && list.length === 0 && <p class="muted" id="t-empty">No tournaments yet.</p>}
          <ul class="es-list" id="t-list">
            {(list ?? []).map((t) => (
              <li class="es-list-item" data-tournament={t.id} data-state={t.state}>
                <a href={tournamentPath(t.id)}>
                  <strong>{t.name}</strong>
                </a>
                <span class={`t-state t-state-${t.state}`}>{t.state}</span>
                <span class="muted">
                  {FORMAT_LABELS[t.format as TournamentFormat] ?? t.format}
                  {t.game && ` · ${t.game}`} · {t.entrants} entrants
                  {t.starts_at_ms !== null && ` · ${formatInZone(t.starts_at_ms)}`}
                </span>
                {t.champion && <span class="t-champion-inline">🏆 {t.champion}</span>}
              </li>
            ))}
          </ul>
        </section>
        {hasAccount(session) ? (
          <CreateTournament token={session.token} />
        ) : (
          <p class="muted">
            <a href="/login">Log in</a> to create a tournament.
          </p>
        )}
      </div>
    </main>
  );
}

function CreateTournament({ token }: { token: string }) {
  const [f, setF] = useState<CreateForm>(DEFAULT_FORM);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof CreateForm>(k: K, v: CreateForm[K]) => setF((x) => ({ ...x, [k]: v }));
  const count = parseEntrants(f.entrants).length;

  const submit = async (e: Event) => {
    e.preventDefault();
    const made = createBody(f);
    if ('error' in made) {
      setError(made.error);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const t = await createTournament(token, made.body);
      navigate(tournamentPath(t.id));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  const num = (e: Event) => Number((e.target as HTMLInputElement).value) || 0;
  return (
    <form class="es-card es-form" id="t-create" onSubmit={submit} aria-labelledby="t-create-title">
      <h2 id="t-create-title">Create a tournament</h2>
      <label>
        Name
        <input id="t-name" required maxLength={80} value={f.name} onInput={(e) => set('name', (e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Game (leaderboard)
        <input id="t-game" maxLength={40} pattern="[a-z0-9_\-]{3,40}" placeholder="optional" value={f.game} onInput={(e) => set('game', (e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Format
        <select id="t-format" value={f.format} onChange={(e) => set('format', (e.target as HTMLSelectElement).value as TournamentFormat)}>
          {Object.entries(FORMAT_LABELS).map(([id, label]) => (
            <option value={id}>{label}</option>
          ))}
        </select>
      </label>
      {f.format === 'double_elimination' && (
        <label>
          Grand final
          <select id="t-grand-final" value={f.grand_final} onChange={(e) => set('grand_final', (e.target as HTMLSelectElement).value as CreateForm['grand_final'])}>
            <option value="simple">One match</option>
            <option value="double">With bracket reset</option>
            <option value="none">None</option>
          </select>
        </label>
      )}
      {f.format === 'single_elimination' && (
        <label class="es-check">
          <input id="t-third-place" type="checkbox" checked={f.third_place} onChange={(e) => set('third_place', (e.target as HTMLInputElement).checked)} />
          Third-place match
        </label>
      )}
      {f.format === 'round_robin' && (
        <label>
          Groups
          <input id="t-groups" type="number" min={1} max={16} value={f.groups} onInput={(e) => set('groups', num(e))} />
        </label>
      )}
      {f.format === 'swiss' && (
        <label>
          Rounds (0: ⌈log2 n⌉)
          <input id="t-swiss-rounds" type="number" min={0} max={255} value={f.swiss_rounds} onInput={(e) => set('swiss_rounds', num(e))} />
        </label>
      )}
      <label>
        Best of
        <select id="t-best-of" value={String(f.best_of)} onChange={(e) => set('best_of', Number((e.target as HTMLSelectElement).value))}>
          {[1, 3, 5, 7].map((n) => (
            <option value={String(n)}>{n}</option>
          ))}
        </select>
      </label>
      <label>
        Entrants, one per line in seed order ({count})
        <textarea id="t-entrants" rows={8} value={f.entrants} onInput={(e) => set('entrants', (e.target as HTMLTextAreaElement).value)} />
      </label>
      <label class="es-check">
        <input id="t-random" type="checkbox" checked={f.random_seeding} onChange={(e) => set('random_seeding', (e.target as HTMLInputElement).checked)} />
        Random seeding
      </label>
      <label>
        Starts at ({viewerZone()})
        <input id="t-starts-at" type="datetime-local" value={f.starts_at_local} onInput={(e) => set('starts_at_local', (e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Check-in opens (minutes before the start)
        <input id="t-check-in" type="number" min={0} max={1440} value={f.check_in_minutes} onInput={(e) => set('check_in_minutes', num(e))} />
      </label>
      <label class="es-check">
        <input id="t-start-now" type="checkbox" checked={f.start} onChange={(e) => set('start', (e.target as HTMLInputElement).checked)} />
        Start now
      </label>
      {error && (
        <p class="es-error" id="t-create-error" role="alert">
          {error}
        </p>
      )}
      <button id="t-create-submit" type="submit" class="btn btn-primary" disabled={busy}>
        Create
      </button>
    </form>
  );
}
