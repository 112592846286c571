// /inbox: the whole notification inbox (the bell shows the same through its dropdown), live
// through the "notifications" topic, with "Mark all read".
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { formatAgo } from '../format';
import { useResubscribed, useTopic } from '../live/LiveContext';
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
import { SignInPrompt } from '../components/SignInPrompt';
import '../social-pages.css';
import { useAlive } from '../components/useAlive';
import { DevicePushToggle } from '../pwa/PwaControls';
import { EmailNoticeToggle } from '../components/EmailNoticeToggle';

export const INBOX_LIMIT = 200;

export function InboxPage() {
  const session = useSession();
  useEffect(() => {
    document.title = 'Inbox · AeThex LIVE';
  }, []);
  if (!hasAccount(session)) return <SignInPrompt title="Inbox" what="to get notified when channels go live" />;
  return <InboxView key={session.token} token={session.token} />;
}

function InboxView({ token }: { token: string }) {
  const [inbox, setInbox] = useState<Inbox>({ notifications: [], unread: 0 });
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const alive = useAlive();
  const load = () => {
    fetchNotifications(token, INBOX_LIMIT)
      .then((loaded) => {
        if (!alive.current) return;
        setInbox((i) => mergeLoaded(i, loaded));
        setStatus('ready');
      })
      .catch(() => alive.current && setStatus((s) => (s === 'ready' ? s : 'error')));
  };
  useEffect(load, [token]);
  useResubscribed('notifications', load);
  useTopic('notifications', (frame) => {
    const n = parseNotification(frame.notification);
    if (n) setInbox((i) => addNotification(i, n));
  });
  // The bell was opened (it marks everything read).
  useEffect(() => {
    const onRead = () => setInbox(markAllRead);
    window.addEventListener(NOTIFICATIONS_READ_EVENT, onRead);
    return () => window.removeEventListener(NOTIFICATIONS_READ_EVENT, onRead);
  }, []);

  const markRead = () => {
    setInbox(markAllRead);
    announceNotificationsRead();
    markNotificationsRead(token).catch(() => undefined);
  };

  const now = Date.now();
  return (
    <main class="home social-page" id="inbox-page" data-state={status}>
      <div class="page-head">
        <h1 class="section-title">Inbox</h1>
        <span class="count-badge" id="inbox-unread" hidden={inbox.unread === 0}>
          {inbox.unread}
        </span>
        <button type="button" class="btn page-head-sort" data-testid="inbox-mark-read" disabled={inbox.unread === 0} onClick={markRead}>
          Mark all read
        </button>
      </div>
      <DevicePushToggle token={token} />
      <EmailNoticeToggle token={token} />
      {status === 'loading' && <p class="muted">Loading…</p>}
      {status === 'error' && (
        <p class="notice" id="inbox-error">
          Couldn't load your notifications. Reload to try again.
        </p>
      )}
      {status === 'ready' && inbox.notifications.length === 0 && (
        <p class="muted" id="inbox-empty">
          Nothing yet. Follow channels to hear when they go live.
        </p>
      )}
      <ul class="social-list" id="inbox-list">
        {inbox.notifications.map((n) => (
          <li key={n.id}>
            <a class="inbox-item" href={n.link ?? channelPath(n.channel)} data-testid="inbox-item" data-channel={n.channel} data-kind={n.kind} data-read={n.read ? 'true' : 'false'}>
              {n.link ? (
                <span>
                  <span aria-hidden="true">⏰ </span>
                  {n.title}
                </span>
              ) : n.kind === 'announcement' ? (
                <span>
                  <span aria-hidden="true">📣 </span>
                  <strong>{n.channel}</strong>: {n.title}
                </span>
              ) : (
                <span>
                  <strong>{n.channel}</strong> went live{n.title && n.title !== n.channel ? `: ${n.title}` : ''}
                </span>
              )}
              <span class="bell-item-time">{formatAgo(n.at_ms, now)}</span>
            </a>
          </li>
        ))}
      </ul>
    </main>
  );
}
