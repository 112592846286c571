// The organisations pages by route (App.tsx asks here, as it does for esports).
import type { OrgsRoute } from './model';
import { ORGS_KINDS } from './model';
import { OrgManagePage } from './OrgManagePage';
import { OrgPage } from './OrgPage';
import { OrgsPage } from './OrgsPage';

export const isOrgsRoute = (r: { kind: string }): r is OrgsRoute => ORGS_KINDS.includes(r.kind);

export function OrgsPages({ route }: { route: OrgsRoute }) {
  if (route.kind === 'orgs') return <OrgsPage />;
  if (route.kind === 'org') return <OrgPage key={route.slug} slug={route.slug} />;
  return <OrgManagePage key={route.slug} slug={route.slug} />;
}
