import { parseRoute, useLocationPath } from './router';
import { Header } from './components/Header';
import { ChannelPage } from './pages/Channel';
import { NotFoundPage } from './pages/NotFound';
import { AuthPage } from './pages/Auth';
import { DashboardPage } from './pages/Dashboard';
import { AdminPage } from './pages/Admin';
import { BrowsePage } from './pages/Browse';
import { CategoriesPage } from './pages/Categories';
import { SearchPage } from './pages/Search';
import { FriendsPage } from './pages/Friends';
import { MessagesPage } from './pages/Messages';
import { FollowingPage } from './pages/Following';
import { InboxPage } from './pages/Inbox';
import { VodPage } from './pages/Vod';
import { ClipPage } from './pages/Clip';
import { ClipsPage } from './pages/Clips';
import { ModPage } from './moderation/ModPage';
import { OverlayPage } from './overlay/OverlayPage';
import { PayPage } from './pay/PayPage';
import { TestCardsPage } from './pay/TestCardsPage';
import { LiveProvider } from './live/LiveContext';
import { EsportsPages, isEsportsRoute } from './esports/EsportsPages';
import { AppsPages, isAppsRoute } from './apps/AppsPages';
import { GoLivePage } from './golive/GoLivePage';
import { OrgsPages, isOrgsRoute } from './orgs/OrgsPages';
import { HostHome } from './orgs/HostHome';
import { CertificatesPages, isCertificatesRoute } from './certificates/CertificatesPages';
import { WebinarPage } from './webinars/WebinarPage';
import { CoursesPages, isCoursesRoute } from './courses/CoursesPages';
import './discovery.css';

export function App() {
  const route = parseRoute(useLocationPath());
  // OBS browser sources: the widget alone, no site chrome.
  if (route.kind === 'overlay')
    return (
      <LiveProvider>
        <OverlayPage key={`${route.channel}/${route.widget}`} channel={route.channel} widget={route.widget} />
      </LiveProvider>
    );
  return (
    <LiveProvider>
      <div class="app">
        <Header />
        {route.kind === 'home' && <HostHome />}
        {route.kind === 'channel' && <ChannelPage key={route.name} name={route.name} raidFrom={route.raid ?? null} />}
        {route.kind === 'mod' && <ModPage key={route.channel} channel={route.channel} />}
        {route.kind === 'vod' && <VodPage key={`${route.id}@${route.t}`} id={route.id} t={route.t} />}
        {route.kind === 'clip' && <ClipPage key={route.id} id={route.id} />}
        {route.kind === 'clips' && <ClipsPage />}
        {route.kind === 'browse' && <BrowsePage category={route.category} />}
        {route.kind === 'categories' && <CategoriesPage />}
        {route.kind === 'search' && <SearchPage q={route.q} />}
        {route.kind === 'friends' && <FriendsPage />}
        {route.kind === 'messages' && <MessagesPage with={route.with} />}
        {route.kind === 'following' && <FollowingPage />}
        {route.kind === 'inbox' && <InboxPage />}
        {route.kind === 'not_found' && <NotFoundPage path={route.path} />}
        {(route.kind === 'signup' || route.kind === 'login') && <AuthPage key={route.kind} mode={route.kind} />}
        {route.kind === 'dashboard' && <DashboardPage />}
        {route.kind === 'admin' && <AdminPage />}
        {route.kind === 'pay' && <PayPage key={route.checkout} checkout={route.checkout} />}
        {route.kind === 'test-cards' && <TestCardsPage />}
        {isEsportsRoute(route) && <EsportsPages route={route} />}
        {isAppsRoute(route) && <AppsPages route={route} />}
        {route.kind === 'golive' && <GoLivePage key={route.channel} channel={route.channel} />}
        {isOrgsRoute(route) && <OrgsPages route={route} />}
        {isCertificatesRoute(route) && <CertificatesPages route={route} />}
        {route.kind === 'webinar' && <WebinarPage key={route.id} id={route.id} />}
        {isCoursesRoute(route) && <CoursesPages route={route} />}
      </div>
    </LiveProvider>
  );
}
