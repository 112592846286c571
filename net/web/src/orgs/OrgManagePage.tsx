// /orgs/<slug>/manage: members and roles, invitations, channels, branding, logo and custom
// domain, for the org's owner and admins (the node refuses others; this page only hides what the
// viewer's role cannot do, with the same table as the node: model.ts roleAllows).
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { navigate } from '../router';
import * as api from './api';
import { assignableRoles, brandStyle, isColour, orgLogoUrl, orgPath, roleAllows, roleOf, roleRank, type Org, type OrgInvitation } from './model';
import './orgs.css';
import { OrgStreamsPanel } from './streams/OrgStreamsPanel';

export function OrgManagePage({ slug }: { slug: string }) {
  const session = useSession();
  const account = hasAccount(session) ? session : null;
  const [org, setOrg] = useState<Org | null>(null);
  const [invitations, setInvitations] = useState<OrgInvitation[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(0);
  const [who, setWho] = useState('');
  const [asRole, setAsRole] = useState('member');
  const [channel, setChannel] = useState('');
  const [display, setDisplay] = useState('');
  const [description, setDescription] = useState('');
  const [primary, setPrimary] = useState('');
  const [accent, setAccent] = useState('');
  const [domain, setDomain] = useState('');

  useEffect(() => {
    if (!account) return;
    let live = true;
    Promise.all([api.fetchOrg(account.token, slug), api.fetchMembers(account.token, slug)])
      .then(([o, m]) => {
        if (!live) return;
        setOrg(o);
        setInvitations(m.invitations);
        setDisplay(o.branding.display_name);
        setDescription(o.branding.description);
        setPrimary(o.branding.primary);
        setAccent(o.branding.accent);
        setDomain(o.branding.domain ?? '');
        document.title = `Manage ${o.name} · AeThex LIVE`;
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [slug, account?.token, epoch]);

  if (!account)
    return (
      <main class="org-page">
        <a href="/login">Log in</a> to manage this organisation.
      </main>
    );
  if (!org) return <main class="org-page">{error ? <p class="error">{error}</p> : 'Loading…'}</main>;

  const me = account.username;
  const role = roleOf(org, me);
  const t = account.token;
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      setEpoch((n) => n + 1);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const input = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);

  return (
    <main class="org-page org-manage" id="org-manage" style={brandStyle(org.branding)}>
      <h1>
        <a href={orgPath(slug)}>{org.branding.display_name || org.name}</a> · manage
      </h1>
      {error && <p class="error" id="org-error">{error}</p>}

      <section>
        <h2>Members</h2>
        <ul class="org-list" id="org-manage-members">
          {(org.members ?? []).map((m) => (
            <li key={m.user}>
              <span>{m.user}</span>
              {m.role !== 'owner' && roleRank(m.role) < roleRank(role) || (m.role === 'admin' && role === 'owner') ? (
                <select value={m.role} onChange={(e) => act(() => api.setRole(t, slug, m.user, (e.target as HTMLSelectElement).value))}>
                  {[m.role, ...assignableRoles(role).filter((r) => r !== m.role)].map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              ) : (
                <span class="org-role">{m.role}</span>
              )}
              {m.role !== 'owner' && (roleRank(m.role) < roleRank(role) || m.user === me) && (
                <button class="secondary" onClick={() => act(() => api.removeMember(t, slug, m.user))}>
                  {m.user === me ? 'Leave' : 'Remove'}
                </button>
              )}
              {role === 'owner' && m.user !== me && (
                <button class="secondary" onClick={() => confirm(`Make ${m.user} the owner?`) && act(() => api.transfer(t, slug, m.user))}>
                  Make owner
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>

      {roleAllows(role, 'manage_members') && (
        <section>
          <h2>Invitations</h2>
          <form class="org-form" onSubmit={(e) => (e.preventDefault(), act(() => api.invite(t, slug, who.trim(), asRole)))}>
            <input placeholder="user name" value={who} onInput={input(setWho)} />
            <select value={asRole} onChange={(e) => setAsRole((e.target as HTMLSelectElement).value)}>
              {assignableRoles(role).map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
            <button disabled={!who.trim()}>Invite</button>
          </form>
          <ul class="org-list" id="org-pending">
            {invitations.map((i) => (
              <li key={i.user}>
                {i.user} <span class="org-role">{i.role}</span>
                <button class="secondary" onClick={() => act(() => api.withdraw(t, slug, i.user))}>
                  Withdraw
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}

      {roleAllows(role, 'manage_channels') && (
        <section>
          <h2>Channels</h2>
          <ul class="org-list">
            {org.channels.map((c) => (
              <li key={c}>
                <a href={`/c/${encodeURIComponent(c)}`}>{c}</a>
                <button class="secondary" onClick={() => act(() => api.detachChannel(t, slug, c))}>
                  Detach
                </button>
              </li>
            ))}
          </ul>
          <form class="org-form" onSubmit={(e) => (e.preventDefault(), act(() => api.attachChannel(t, slug, channel.trim())))}>
            <input placeholder="one of your channels" value={channel} onInput={input(setChannel)} />
            <button disabled={!channel.trim()}>Attach</button>
          </form>
        </section>
      )}

      {roleAllows(role, 'edit_branding') && (
        <section>
          <h2>Branding</h2>
          <form
            class="org-form org-branding"
            onSubmit={(e) => (e.preventDefault(), act(() => api.putBranding(t, slug, { display_name: display.trim() || undefined, description, colours: { primary, accent } })))}
          >
            <input placeholder="Display name" value={display} onInput={input(setDisplay)} />
            <textarea placeholder="Description" maxLength={2000} value={description} onInput={input(setDescription)} />
            <label>
              Primary <input type="color" value={primary} onInput={input(setPrimary)} />
            </label>
            <label>
              Accent <input type="color" value={accent} onInput={input(setAccent)} />
            </label>
            <button disabled={!isColour(primary) || !isColour(accent)}>Save branding</button>
          </form>
          <div class="org-form">
            {org.branding.logo && <img class="org-logo" src={orgLogoUrl(slug, String(epoch))} alt="" width={72} height={72} />}
            <label>
              Logo (PNG or JPEG, ≤ 1 MiB){' '}
              <input
                type="file"
                accept="image/png,image/jpeg"
                onChange={(e) => {
                  const f = (e.target as HTMLInputElement).files?.[0];
                  if (f) void act(() => api.putLogo(t, slug, f));
                }}
              />
            </label>
          </div>
          <form class="org-form" onSubmit={(e) => (e.preventDefault(), act(() => api.putDomain(t, slug, domain.trim() || null)))}>
            <input placeholder="custom domain, e.g. live.example.org" value={domain} onInput={input(setDomain)} />
            <button>Save domain</button>
          </form>
          <p class="muted">Point the domain's DNS at this node; requests for it then open this organisation's page.</p>
        </section>
      )}

      {roleAllows(role, 'multistream') && <OrgStreamsPanel slug={slug} channels={org.channels} />}

      {roleAllows(role, 'govern') && (
        <section>
          <h2>Delete</h2>
          <button class="danger" onClick={() => confirm(`Delete ${org.name} for good?`) && act(async () => (await api.deleteOrg(t, slug), navigate('/orgs')))}>
            Delete organisation
          </button>
        </section>
      )}
    </main>
  );
}
