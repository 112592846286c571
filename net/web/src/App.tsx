import { parseRoute, usePathname } from './router';
import { Header } from './components/Header';
import { HomePage } from './pages/Home';
import { ChannelPage } from './pages/Channel';
import { NotFoundPage } from './pages/NotFound';

export function App() {
  const route = parseRoute(usePathname());
  return (
    <div class="app">
      <Header />
      {route.kind === 'home' && <HomePage />}
      {route.kind === 'channel' && <ChannelPage key={route.name} name={route.name} />}
      {route.kind === 'not_found' && <NotFoundPage path={route.path} />}
    </div>
  );
}
