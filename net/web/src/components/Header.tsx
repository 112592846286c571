import { AccountNav } from './AccountNav';

export function Header() {
  return (
    <header class="topbar">
      <a class="brand" href="/">
        <span class="brand-mark" aria-hidden="true">Æ</span>
        <span class="brand-name">
          AeThex <strong>LIVE</strong>
        </span>
      </a>
      <nav class="topnav">
        <a href="/">Browse</a>
      </nav>
      <AccountNav />
    </header>
  );
}
