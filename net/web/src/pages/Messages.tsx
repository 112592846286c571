// /messages: the signed-in user's conversations, newest first, with unread badges, and a box to
// start one by username. /messages/<user> is one conversation (Conversation.tsx).
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { EMPTY_THREADS, applyDm, fetchDmThreads, mergeThreads, parseDmMessage, type DmThreads } from '../dmApi';
import { formatAgo } from '../format';
import { useResubscribed, useTopic } from '../live/LiveContext';
import { isValidChannelName, messagesPath, navigate } from '../router';
import { SignInPrompt } from '../components/SignInPrompt';
import { ConversationView } from './Conversation';
import '../social-pages.css';
import { useAlive } from '../components/useAlive';

export function MessagesPage({ with: other }: { with: string | null }) {
  const session = useSession();
  useEffect(() => {
    document.title = other ? `${other} · Messages · AeThex LIVE` : 'Messages · AeThex LIVE';
  }, [other]);
  if (!hasAccount(session)) return <SignInPrompt title="Messages" what="to send direct messages" />;
  if (other) return <ConversationView key={`${session.token}:${other}`} token={session.token} me={session.username} other={other} />;
  return <ThreadList key={session.token} token={session.token} me={session.username} />;
}

function ThreadList({ token, me }: { token: string; me: string }) {
  const [state, setState] = useState<DmThreads>(EMPTY_THREADS);
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const alive = useAlive();
  const load = () => {
    fetchDmThreads(token)
      .then((loaded) => {
        if (!alive.current) return;
        setState((s) => mergeThreads(s, loaded));
        setStatus('ready');
      })
      .catch(() => alive.current && setStatus((s) => (s === 'ready' ? s : 'error')));
  };
  useEffect(load, [token]);
  useResubscribed('messages', load);
  useTopic('messages', (frame) => {
    const m = frame.type === 'dm' ? parseDmMessage(frame.message) : null;
    if (m) setState((s) => applyDm(s, m, me, null));
  });

  const now = Date.now();
  return (
    <main class="home social-page" id="messages-page" data-state={status}>
      <h1 class="section-title">Messages</h1>
      <NewConversation me={me} />
      {status === 'error' && (
        <p class="notice" id="messages-error">
          Couldn't load your messages. Reload to try again.
        </p>
      )}
      {status === 'ready' && state.threads.length === 0 && <p class="muted">No conversations yet.</p>}
      <ul class="social-list" id="dm-threads">
        {state.threads.map((t) => (
          <li key={t.with}>
            <a class="dm-thread" href={messagesPath(t.with)} data-testid="dm-thread" data-with={t.with} data-unread={t.unread}>
              <span class="avatar social-avatar" aria-hidden="true">
                {t.with.slice(0, 1).toUpperCase()}
              </span>
              <span class="social-text">
                <strong>{t.with}</strong>
                {t.last && (
                  <span class="dm-preview">
                    {t.last.from === me ? 'You: ' : ''}
                    {t.last.text}
                  </span>
                )}
              </span>
              {t.last && <span class="dm-time">{formatAgo(t.last.at_ms, now)}</span>}
              <span class="count-badge" data-testid="dm-thread-unread" hidden={t.unread === 0}>
                {t.unread > 99 ? '99+' : t.unread}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </main>
  );
}

function NewConversation({ me }: { me: string }) {
  const [name, setName] = useState('');
  const user = name.trim().toLowerCase();
  const ok = isValidChannelName(user) && user !== me;
  return (
    <form
      class="dash-row social-add"
      id="dm-new-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (ok) navigate(messagesPath(user));
      }}
    >
      <input data-testid="dm-new-input" placeholder="Message someone by username" maxLength={64} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      <button type="submit" class="btn btn-primary" data-testid="dm-new" disabled={!ok}>
        Open
      </button>
    </form>
  );
}
