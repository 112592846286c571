// The start page: on a host that is an organisation's custom domain (GET orgs/by-host), `/` shows
// that organisation's page; anywhere else the usual home page.
import { useEffect, useState } from 'preact/hooks';
import { HomePage } from '../pages/Home';
import { fetchOrgByHost } from './api';
import type { Org } from './model';
import { OrgView } from './OrgPage';

export function HostHome() {
  // undefined: still asking; null: no org serves this host.
  const [org, setOrg] = useState<Org | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    fetchOrgByHost()
      .then((o) => live && setOrg(o))
      .catch(() => live && setOrg(null));
    return () => {
      live = false;
    };
  }, []);
  if (org === undefined) return <main class="org-page" />;
  return org ? <OrgView org={org} /> : <HomePage />;
}
