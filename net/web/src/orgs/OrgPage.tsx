// /orgs/<slug>: an organisation's public page with its branding (colours as CSS variables, the
// logo) and its channels with their live state; members see the member list. Also the start page
// when the app is served on the org's custom domain (HostHome.tsx).
import { useEffect, useState } from 'preact/hooks';
import { fetchChannel, type Channel } from '../api';
import { hasAccount, useSession } from '../auth';
import { fetchOrg } from './api';
import { brandStyle, orgLogoUrl, orgManagePath, roleAllows, roleOf, type Org } from './model';
import './orgs.css';

export function OrgView({ org }: { org: Org }) {
  const session = useSession();
  const me = hasAccount(session) ? session.username : null;
  const [channels, setChannels] = useState<Channel[]>([]);
  useEffect(() => {
    let live = true;
    const ctl = new AbortController();
    Promise.all(org.channels.map((c) => fetchChannel(c, ctl.signal).catch(() => null))).then(
      (all) => live && setChannels(all.filter((c): c is Channel => c !== null).sort((a, b) => Number(b.live) - Number(a.live) || a.name.localeCompare(b.name))),
    );
    return () => {
      live = false;
      ctl.abort();
    };
  }, [org.slug, org.channels.join(',')]);
  const b = org.branding;
  const role = roleOf(org, me);
  return (
    <main class="org-page" id="org-page" style={brandStyle(b)}>
      <header class="org-banner">
        {b.logo && <img class="org-logo" id="org-logo" src={orgLogoUrl(org.slug)} alt="" width={72} height={72} />}
        <div>
          <h1 id="org-name">{b.display_name || org.name}</h1>
          {b.description && <p class="org-description">{b.description}</p>}
        </div>
        {roleAllows(role, 'manage_members') && (
          <a class="org-manage-link" id="org-manage-link" href={orgManagePath(org.slug)}>
            Manage
          </a>
        )}
      </header>
      <section>
        <h2>Channels</h2>
        {channels.length === 0 && <p class="muted">No channels yet.</p>}
        <ul class="org-channels" id="org-channels">
          {channels.map((c) => (
            <li key={c.name} class={c.live ? 'live' : ''}>
              <a href={`/c/${encodeURIComponent(c.name)}`}>{c.title || c.name}</a>
              <span class="org-state">{c.live ? `LIVE · ${c.viewers} watching` : 'offline'}</span>
            </li>
          ))}
        </ul>
      </section>
      {org.members && (
        <section>
          <h2>Members</h2>
          <ul class="org-members" id="org-members">
            {org.members.map((m) => (
              <li key={m.user}>
                {m.user} <span class="org-role">{m.role}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

export function OrgPage({ slug }: { slug: string }) {
  const session = useSession();
  const [org, setOrg] = useState<Org | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    fetchOrg(session?.token ?? null, slug)
      .then((o) => {
        if (!live) return;
        setOrg(o);
        document.title = `${o.branding.display_name || o.name} · AeThex LIVE`;
      })
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [slug, session?.token]);
  if (error)
    return (
      <main class="org-page">
        <p class="error">{error}</p>
      </main>
    );
  return org ? <OrgView org={org} /> : <main class="org-page muted">Loading…</main>;
}
