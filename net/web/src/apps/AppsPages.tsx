// The developer pages behind one switch, so App.tsx needs one line for all of them.
import type { Route } from '../router';
import { APPS_KINDS, type AppsRoute } from './routes';
import { DevelopersPage } from './DevelopersPage';
import { AuthorizePage } from './AuthorizePage';
import { ApiDocsPage } from './ApiDocsPage';
import './apps.css';

export function isAppsRoute(r: Route): r is AppsRoute {
  return APPS_KINDS.includes(r.kind);
}

export function AppsPages({ route }: { route: AppsRoute }) {
  switch (route.kind) {
    case 'developers':
      return <DevelopersPage />;
    case 'developer-api':
      return <ApiDocsPage />;
    case 'authorize':
      return <AuthorizePage key={route.request.client_id} request={route.request} />;
  }
}
