// /orgs: the viewer's organisations and pending invitations (accept or decline), a form to found
// one, and the public list with a name search.
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { navigate } from '../router';
import { answerInvitation, createOrg, fetchMyInvitations, fetchMyOrgs, listOrgs } from './api';
import { daysLeft, isOrgSlug, orgLogoUrl, orgPath, type MyOrg, type OrgInvitation, type OrgSummary } from './model';
import './orgs.css';

export function OrgsPage() {
  const session = useSession();
  const account = hasAccount(session) ? session : null;
  const [mine, setMine] = useState<MyOrg[]>([]);
  const [invitations, setInvitations] = useState<OrgInvitation[]>([]);
  const [all, setAll] = useState<OrgSummary[]>([]);
  const [q, setQ] = useState('');
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(0);

  useEffect(() => {
    document.title = 'Organisations · AeThex LIVE';
    if (!account) return;
    let live = true;
    Promise.all([fetchMyOrgs(account.token), fetchMyInvitations(account.token)])
      .then(([m, i]) => {
        if (!live) return;
        setMine(m);
        setInvitations(i);
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [account?.token, epoch]);

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => listOrgs(q).then((l) => live && setAll(l)).catch((e: Error) => live && setError(e.message)), 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [q, epoch]);

  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      setEpoch((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <main class="org-page" id="orgs-page">
      {error && <p class="error">{error}</p>}
      {account && (
        <>
          <h1>My organisations</h1>
          {invitations.length > 0 && (
            <section id="org-invitations">
              <h2>Invitations</h2>
              <ul class="org-list">
                {invitations.map((i) => (
                  <li key={i.org}>
                    <span>
                      <b>{i.name}</b> invites you as {i.role} ({daysLeft(i.expires_at_ms, Date.now())} days left)
                    </span>
                    {/* To the org's page, which reads the org itself: "my organisations" comes from
                        the read model, which may not list the org yet right after. */}
                    <button onClick={() => act(async () => (await answerInvitation(account.token, i.org, true), navigate(orgPath(i.org))))}>Accept</button>
                    <button class="secondary" onClick={() => act(() => answerInvitation(account.token, i.org, false))}>
                      Decline
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <ul class="org-list" id="my-orgs">
            {mine.length === 0 && <li class="muted">You are in no organisation yet.</li>}
            {mine.map((m) => (
              <li key={m.org}>
                <a href={orgPath(m.org)}>{m.name || m.org}</a> <span class="org-role">{m.role}</span>
              </li>
            ))}
          </ul>
          <form
            class="org-form"
            onSubmit={(e) => {
              e.preventDefault();
              void act(async () => {
                await createOrg(account.token, slug, name);
                navigate(orgPath(slug));
              });
            }}
          >
            <input placeholder="slug (a-z, 0-9, -)" value={slug} onInput={(e) => setSlug((e.target as HTMLInputElement).value)} />
            <input placeholder="Name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
            <button disabled={!isOrgSlug(slug) || !name.trim()}>Create organisation</button>
          </form>
        </>
      )}
      <h1>Organisations</h1>
      <input class="org-search" type="search" placeholder="Search by name" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
      <ul class="org-cards" id="org-cards">
        {all.map((o) => (
          <li key={o.slug} style={{ borderColor: o.primary }}>
            <a href={orgPath(o.slug)}>
              {o.logo && <img src={orgLogoUrl(o.slug)} alt="" width={40} height={40} />}
              <b>{o.display_name}</b>
            </a>
            <span class="muted">
              {o.members} members · {o.channels} channels
            </span>
          </li>
        ))}
      </ul>
    </main>
  );
}
