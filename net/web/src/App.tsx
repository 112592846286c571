import { parseRoute, usePathname } from './router';
import { Header } from './components/Header';
import { HomePage } from './pages/Home';
import { ChannelPage } from './pages/Channel';
import { NotFoundPage } from './pages/NotFound';
import { AuthPage } from './pages/Auth';
import { DashboardPage } from './pages/Dashboard';
import { LiveProvider } from './live/LiveContext';

export function App() {
  const route = parseRoute(usePathname());
  return (
    <LiveProvider>
      <div class="app">
        <Header />
        {route.kind === 'home' && <HomePage />}
        {route.kind === 'channel' && <ChannelPage key={route.name} name={route.name} />}
        {route.kind === 'not_found' && <NotFoundPage path={route.path} />}
        {(route.kind === 'signup' || route.kind === 'login') && <AuthPage key={route.kind} mode={route.kind} />}
        {route.kind === 'dashboard' && <DashboardPage />}
      </div>
    </LiveProvider>
  );
}
