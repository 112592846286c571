// /teams: the viewer's teams and open invites, and a form to found a team. /teams/<slug>: a
// team's profile and roster (captain first); the captain invites and kicks, a member leaves.
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { navigate } from '../router';
import { acceptInvite, createTeam, declineInvite, fetchMyTeams, fetchTeam, inviteToTeam, removeMember, type MyTeams, type Team } from './api';
import { teamPath, tournamentPath } from './routes';

export function TeamsPage() {
  const session = useSession();
  const account = hasAccount(session) ? session : null;
  const [mine, setMine] = useState<MyTeams | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(0);

  useEffect(() => {
    document.title = 'Teams · AeThex LIVE';
    if (!account) return;
    let live = true;
    fetchMyTeams(account.token)
      .then((m) => live && setMine(m))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [account?.token, epoch]);

  if (!account)
    return (
      <main class="esports-page" id="teams-page">
        <h1>Teams</h1>
        <p class="muted">
          <a href="/login">Log in</a> to see your teams.
        </p>
      </main>
    );

  const answer = async (slug: string, accept: boolean) => {
    try {
      await (accept ? acceptInvite : declineInvite)(account.token, slug);
      setEpoch((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <main class="esports-page" id="teams-page">
      <h1>My teams</h1>
      {error && (
        <p class="es-error" role="alert">
          {error}
        </p>
      )}
      <div class="es-columns">
        <section class="es-main">
          {mine && mine.invites.length > 0 && (
            <section class="es-card" aria-labelledby="team-invites-title">
              <h2 id="team-invites-title">Invites</h2>
              <ul class="es-list" id="team-invites">
                {mine.invites.map((i) => (
                  <li class="es-list-item" data-team={i.slug}>
                    <a href={teamPath(i.slug)}>{i.name}</a>
                    <button type="button" class="btn btn-primary team-accept" onClick={() => answer(i.slug, true)}>
                      Accept
                    </button>
                    <button type="button" class="btn team-decline" onClick={() => answer(i.slug, false)}>
                      Decline
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {mine && mine.teams.length === 0 && <p class="muted">You are in no team yet.</p>}
          <ul class="es-list" id="my-teams">
            {(mine?.teams ?? []).map((t) => (
              <li class="es-list-item" data-team={t.slug}>
                <a href={teamPath(t.slug)}>
                  {t.tag && <span class="team-tag">[{t.tag}]</span>} {t.name}
                </a>
                {t.role === 'captain' && <span class="team-captain">Captain</span>}
              </li>
            ))}
          </ul>
        </section>
        <CreateTeam token={account.token} />
      </div>
    </main>
  );
}

function CreateTeam({ token }: { token: string }) {
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [tag, setTag] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const t = await createTeam(token, { slug: slug.trim(), name: name.trim(), ...(tag.trim() ? { tag: tag.trim() } : {}) });
      navigate(teamPath(t.slug));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="es-card es-form" id="team-create" onSubmit={submit} aria-labelledby="team-create-title">
      <h2 id="team-create-title">Found a team</h2>
      <label>
        Address (a-z, 0-9, _)
        <input id="team-slug" required pattern="[a-z0-9_]{3,25}" value={slug} onInput={(e) => setSlug((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Name
        <input id="team-name" required maxLength={40} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Tag
        <input id="team-tag" maxLength={6} value={tag} onInput={(e) => setTag((e.target as HTMLInputElement).value)} />
      </label>
      {error && (
        <p class="es-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary" id="team-create-submit">
        Create team
      </button>
    </form>
  );
}

export function TeamPage({ slug }: { slug: string }) {
  const session = useSession();
  const account = hasAccount(session) ? session : null;
  const [team, setTeam] = useState<Team | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'not_found' | 'error'>('loading');
  const [invite, setInvite] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(0);
  /** The team invited the viewer (the team's own invite list is the captain's to see). */
  const [invitedMe, setInvitedMe] = useState(false);

  useEffect(() => {
    if (!account) return;
    let live = true;
    fetchMyTeams(account.token)
      .then((m) => live && setInvitedMe(m.invites.some((i) => i.slug === slug)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [slug, account?.token, epoch]);

  useEffect(() => {
    let live = true;
    fetchTeam(slug, account?.token ?? null)
      .then((t) => {
        if (!live) return;
        setTeam(t);
        setState('ready');
        document.title = `${t.name} · AeThex LIVE`;
      })
      .catch((e: { status?: number }) => live && setState(e.status === 404 ? 'not_found' : 'error'));
    return () => {
      live = false;
    };
  }, [slug, account?.token, epoch]);

  if (!team)
    return (
      <main class="esports-page" id="team-page" data-state={state}>
        {state === 'not_found' ? <h1>Team not found</h1> : state === 'error' ? <p class="es-error">Couldn't load the team.</p> : <div class="spinner" aria-label="Loading" />}
      </main>
    );

  const me = account?.username ?? null;
  const captain = me !== null && team.captain === me;
  const member = me !== null && team.members.some((m) => m.user === me);
  const invited = me !== null && (invitedMe || team.invites.includes(me));
  const act = async (call: () => Promise<unknown>, after?: () => void) => {
    setError(null);
    try {
      await call();
      after?.();
      setEpoch((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const members = [...team.members].sort((a, b) => (a.role === b.role ? a.user.localeCompare(b.user) : a.role === 'captain' ? -1 : 1));

  return (
    <main class="esports-page" id="team-page" data-state="ready" data-team={team.slug}>
      <header class="t-header">
        <h1 id="team-title">
          {team.tag && <span class="team-tag">[{team.tag}]</span>} {team.name}
        </h1>
        {team.bio && <p>{team.bio}</p>}
        <p class="t-links">
          <a href={`/api/v1/teams/${encodeURIComponent(team.slug)}/calendar.ics`} id="team-ical" class="btn" download={`team-${team.slug}.ics`}>
            Match calendar (iCal)
          </a>
        </p>
        {team.locked_by.length > 0 && (
          <p class="es-note" id="team-locked">
            Roster locked by{' '}
            {team.locked_by.map((t) => (
              <a href={tournamentPath(t)}>{t}</a>
            ))}
          </p>
        )}
      </header>
      <section class="es-card" aria-labelledby="team-roster-title">
        <h2 id="team-roster-title">Roster</h2>
        <ul class="es-list" id="team-roster">
          {members.map((m) => (
            <li class="es-list-item" data-user={m.user} data-role={m.role}>
              <a href={`/c/${encodeURIComponent(m.user)}`}>{m.user}</a>
              {m.role === 'captain' && <span class="team-captain">Captain</span>}
              {captain && m.user !== me && (
                <button type="button" class="btn team-kick" aria-label={`Remove ${m.user} from the team`} onClick={() => act(() => removeMember(account!.token, team.slug, m.user))}>
                  Kick
                </button>
              )}
              {m.user === me && !captain && (
                <button type="button" class="btn" id="team-leave" onClick={() => act(() => removeMember(account!.token, team.slug, m.user))}>
                  Leave
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
      {invited && !member && account && (
        <div class="t-registration">
          <span>You are invited to this team.</span>
          <button type="button" class="btn btn-primary" id="team-accept" onClick={() => act(() => acceptInvite(account.token, team.slug))}>
            Accept
          </button>
          <button type="button" class="btn" id="team-decline" onClick={() => act(() => declineInvite(account.token, team.slug))}>
            Decline
          </button>
        </div>
      )}
      {captain && account && (
        <section class="es-card" aria-labelledby="team-invite-title">
          <h2 id="team-invite-title">Invites</h2>
          {team.invites.length > 0 && <p class="muted" id="team-open-invites">Open: {team.invites.join(', ')}</p>}
          <form
            class="es-form es-inline"
            id="team-invite-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (invite.trim()) act(() => inviteToTeam(account.token, team.slug, invite.trim()), () => setInvite(''));
            }}
          >
            <label>
              Invite a user
              <input id="team-invite-user" value={invite} onInput={(e) => setInvite((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="btn btn-primary" id="team-invite-send">
              Invite
            </button>
          </form>
        </section>
      )}
      {error && (
        <p class="es-error" role="alert">
          {error}
        </p>
      )}
    </main>
  );
}
