// The top bar's bell: the signed-in user's go-live and announcement notifications, loaded from
// the inbox and pushed live over the page's connection (topic "notifications"). Opening it marks
// them read.
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatAgo } from '../format';
import { useLiveSnapshot, useTopic } from '../live/LiveContext';
import { channelPath } from '../router';
import {
  NOTIFICATIONS_READ_EVENT,
  addNotification,
  announceNotificationsRead,
  fetchNotifications,
  markAllRead,
  markNotificationsRead,
  mergeLoaded,
  parseNotification,
  type Inbox,
} from '../socialApi';
import './social.css';
import { useAlive } from './useAlive';

const EMPTY: Inbox = { notifications: [], unread: 0 };

/** A bell drawn as SVG (emoji fonts are not everywhere); `off` strikes it through. */
export function BellIcon({ off = false }: { off?: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
      <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
      <path d="M13.73 21a2 2 0 0 1-3.46 0" />
      {off && <path d="M3 3l18 18" />}
    </svg>
  );
}

export function NotificationBell({ token }: { token: string }) {
  const [inbox, setInbox] = useState<Inbox>(EMPTY);
  const [open, setOpen] = useState(false);
  // Ids that were unread when the list opened: they stay highlighted while it is open.
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const root = useRef<HTMLDivElement>(null);
  const { status, topics } = useLiveSnapshot();
  const subscribed = topics.includes('notifications');

  useTopic('notifications', (frame) => {
    const n = parseNotification(frame.notification);
    if (n) setInbox((i) => addNotification(i, n));
  });

  const alive = useAlive();
  const load = () => {
    fetchNotifications(token)
      .then((loaded) => alive.current && setInbox((i) => mergeLoaded(i, loaded)))
      .catch(() => undefined); // the bell stays as it was; pushes still arrive
  };
  useEffect(load, [token]);
  // Back after a dropped connection: whatever was pushed meanwhile was missed.
  const everSubscribed = useRef(false);
  useEffect(() => {
    if (!subscribed) return;
    if (everSubscribed.current) load();
    everSubscribed.current = true;
  }, [subscribed]);

  // The inbox page marked everything read.
  useEffect(() => {
    const onRead = () => setInbox(markAllRead);
    window.addEventListener(NOTIFICATIONS_READ_EVENT, onRead);
    return () => window.removeEventListener(NOTIFICATIONS_READ_EVENT, onRead);
  }, []);

  // Close on a click elsewhere or Escape.
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

  const toggle = () => {
    if (open) return setOpen(false);
    setFresh(new Set(inbox.notifications.filter((n) => !n.read).map((n) => n.id)));
    setOpen(true);
    if (inbox.unread > 0) {
      setInbox(markAllRead);
      announceNotificationsRead();
      markNotificationsRead(token).catch(() => undefined);
    }
  };

  const unread = inbox.unread;
  const now = Date.now();
  return (
    <div class="bell" ref={root}>
      <button
        type="button"
        id="nav-bell"
        class="bell-button"
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
        aria-expanded={open}
        aria-controls="nav-bell-list"
        data-live={subscribed ? 'subscribed' : status}
        onClick={toggle}
      >
        <BellIcon />
        <span id="nav-bell-count" class="bell-count" hidden={unread === 0}>
          {unread > 99 ? '99+' : unread}
        </span>
      </button>
      {open && (
        <div id="nav-bell-list" class="bell-list" role="region" aria-label="Notifications" data-watch-source="notification">
          {inbox.notifications.length === 0 ? (
            <p class="muted bell-empty">Nothing yet. Follow channels to hear when they go live.</p>
          ) : (
            <ul>
              {inbox.notifications.map((n) => (
                <li key={n.id}>
                  <a
                    href={n.link ?? channelPath(n.channel)}
                    class={`bell-item${fresh.has(n.id) ? ' unread' : ''}`}
                    data-channel={n.channel}
                    data-kind={n.kind}
                    onClick={() => setOpen(false)}
                  >
                    {n.link ? (
                      // A personal notice (a match reminder): its title says it all.
                      <span class="bell-item-personal">
                        <span aria-hidden="true">⏰ </span>
                        {n.title}
                      </span>
                    ) : n.kind === 'announcement' ? (
                      // The title is the announcement itself: shown whole, not as a clipped subtitle.
                      <span class="bell-item-announcement">
                        <span aria-hidden="true">📣 </span>
                        <strong>{n.channel}</strong>: {n.title}
                      </span>
                    ) : (
                      <>
                        <span>
                          <strong>{n.channel}</strong> is live
                        </span>
                        {n.title && n.title !== n.channel && <span class="bell-item-title">{n.title}</span>}
                      </>
                    )}
                    <span class="bell-item-time">{formatAgo(n.at_ms, now)}</span>
                  </a>
                </li>
              ))}
            </ul>
          )}
          <a href="/inbox" class="bell-all" id="nav-bell-all" onClick={() => setOpen(false)}>
            See all notifications
          </a>
        </div>
      )}
    </div>
  );
}
