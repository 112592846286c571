// The top bar's messages link with the unread direct-message count: loaded from me/dms and kept
// current by the "messages" topic's `dm` frames. The conversation open on this page counts as
// read (its page marks it so).
import { useEffect, useState } from 'preact/hooks';
import { EMPTY_THREADS, applyDm, fetchDmThreads, markThreadRead, mergeThreads, parseDmMessage, type DmThreads } from '../dmApi';
import { useLiveSnapshot, useResubscribed, useTopic } from '../live/LiveContext';
import { parseRoute, useLocationPath } from '../router';
import './social.css';
import { useAlive } from './useAlive';

function ChatIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
      <path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />
    </svg>
  );
}

export function DmBadge({ token, me }: { token: string; me: string }) {
  const [state, setState] = useState<DmThreads>(EMPTY_THREADS);
  const route = parseRoute(useLocationPath());
  const openWith = route.kind === 'messages' ? route.with : null;
  const { status, topics } = useLiveSnapshot();
  const alive = useAlive();
  const load = () => {
    fetchDmThreads(token)
      .then((loaded) => alive.current && setState((s) => mergeThreads(s, loaded)))
      .catch(() => undefined); // the count stays as it was; pushes still arrive
  };
  useEffect(load, [token]);
  useResubscribed('messages', load);
  useTopic('messages', (frame) => {
    const m = frame.type === 'dm' ? parseDmMessage(frame.message) : null;
    if (m) setState((s) => applyDm(s, m, me, openWith));
  });
  // Opening a conversation reads it.
  useEffect(() => {
    if (openWith) setState((s) => markThreadRead(s, openWith));
  }, [openWith, state.unread]);

  const unread = state.unread;
  return (
    <a
      href="/messages"
      id="nav-messages"
      class="bell-button"
      aria-label={unread > 0 ? `Messages, ${unread} unread` : 'Messages'}
      title="Messages"
      data-live={topics.includes('messages') ? 'subscribed' : status}
    >
      <ChatIcon />
      <span class="bell-count" id="nav-messages-count" data-testid="dm-unread" hidden={unread === 0}>
        {unread > 99 ? '99+' : unread}
      </span>
    </a>
  );
}
