// The signed-in user's name in the top bar, opening a menu of their pages.
import { useEffect, useRef, useState } from 'preact/hooks';

const LINKS = [
  { href: '/following', id: 'nav-menu-following', label: 'Following' },
  { href: '/friends', id: 'nav-menu-friends', label: 'Friends' },
  { href: '/messages', id: 'nav-menu-messages', label: 'Messages' },
  { href: '/inbox', id: 'nav-menu-inbox', label: 'Inbox' },
  { href: '/dashboard', id: 'nav-menu-dashboard', label: 'Creator dashboard' },
  { href: '/developers', id: 'nav-menu-developers', label: 'Developers' },
];

export function AccountMenu({ username }: { username: string }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <div class="bell account-menu" ref={root}>
      <button type="button" id="nav-user" class="linklike account-menu-button" aria-haspopup="true" aria-expanded={open} aria-controls="nav-menu" onClick={() => setOpen(!open)}>
        {username} ▾
      </button>
      {open && (
        <ul id="nav-menu" class="bell-list account-menu-list" role="menu">
          {LINKS.map((l) => (
            <li key={l.id} role="none">
              <a href={l.href} id={l.id} role="menuitem" class="bell-item" onClick={() => setOpen(false)}>
                {l.label}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
