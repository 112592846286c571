// The esports pages behind one switch, so App.tsx needs one line for all of them.
import type { Route } from '../router';
import { ESPORTS_KINDS, type EsportsRoute } from './routes';
import { TournamentsPage } from './TournamentsPage';
import { TournamentPage } from './TournamentPage';
import { SpectatePage } from './SpectatePage';
import { TeamPage, TeamsPage } from './TeamsPage';
import { LeaderboardPage } from './LeaderboardPage';
import { PlayerPage } from './PlayerPage';
import './esports.css';

export function isEsportsRoute(r: Route): r is EsportsRoute {
  return ESPORTS_KINDS.includes(r.kind);
}

export function EsportsPages({ route }: { route: EsportsRoute }) {
  switch (route.kind) {
    case 'tournaments':
      return <TournamentsPage />;
    case 'tournament':
      return <TournamentPage key={route.id} id={route.id} />;
    case 'spectate':
      return <SpectatePage key={route.id} id={route.id} />;
    case 'teams':
      return <TeamsPage />;
    case 'team':
      return <TeamPage key={route.slug} slug={route.slug} />;
    case 'leaderboard':
      return <LeaderboardPage key={`${route.game}/${route.window}`} game={route.game} window={route.window} />;
    case 'player':
      return <PlayerPage key={`${route.name}/${route.game}`} name={route.name} game={route.game} />;
  }
}
