import { useState } from 'preact/hooks';
import { AccountNav } from './AccountNav';
import { navigate } from '../router';
import { searchPath } from '../discoveryApi';
import { hasAccount, useSession } from '../auth';
import { InstallButton } from '../pwa/PwaControls';

export function Header() {
  const session = useSession();
  // Phones: the links and search fold behind a menu button (mobile.css).
  const [navOpen, setNavOpen] = useState(false);
  return (
    <header class="topbar" data-nav-open={navOpen ? 'true' : 'false'}>
      <a class="brand" href="/">
        <span class="brand-mark" aria-hidden="true">Æ</span>
        <span class="brand-name">
          AeThex <strong>LIVE</strong>
        </span>
      </a>
      <button
        type="button"
        class="nav-toggle"
        id="nav-toggle"
        aria-label="Menu"
        aria-expanded={navOpen}
        aria-controls="topnav"
        onClick={() => setNavOpen(!navOpen)}
      >
        ☰
      </button>
      <nav class="topnav" id="topnav" onClick={() => setNavOpen(false)}>
        <a href="/browse" id="nav-browse">
          Browse
        </a>
        <a href="/categories" id="nav-categories">
          Categories
        </a>
        <a href="/clips" id="nav-clips">
          Clips
        </a>
        <a href="/tournaments" id="nav-tournaments">
          Tournaments
        </a>
        {hasAccount(session) && (
          <a href="/following" id="nav-following">
            Following
          </a>
        )}
        {hasAccount(session) && (
          <a href="/orgs" id="nav-orgs">
            Orgs
          </a>
        )}
        {session && (
          <a href="/dashboard" id="nav-menu-dashboard" class="nav-mobile-only">
            Dashboard
          </a>
        )}
      </nav>
      <SearchBox />
      <InstallButton />
      <AccountNav />
    </header>
  );
}

function SearchBox() {
  const [q, setQ] = useState('');
  return (
    <form
      class="nav-search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (q.trim()) navigate(searchPath(q.trim()));
      }}
    >
      <input
        id="nav-search"
        type="search"
        name="q"
        placeholder="Search"
        aria-label="Search channels and categories"
        maxLength={100}
        value={q}
        onInput={(e) => setQ((e.target as HTMLInputElement).value)}
      />
    </form>
  );
}
