// A moderator's card of one chatter: account age, follow age, recent messages in this channel,
// the timeouts and bans against them, and buttons to time out, ban or unban (chat frames over
// the page's connection, which is in the channel's room). Opens from a name in the chat, the
// queue, the log, the requests or the ban list.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useSession } from '../auth';
import { errorText } from '../engagement/api';
import { useLive } from '../live/LiveContext';
import { fetchUserCard } from './api';
import { describeLogEntry, formatAge, type UserCard as Card } from './model';

export function UserCard({ channel, user, onClose }: { channel: string; user: string; onClose: () => void }) {
  const token = useSession()?.token ?? null;
  const { connection } = useLive();
  const [card, setCard] = useState<Card | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setCard(null);
    setError(null);
    if (!token) return setError('Log in as a moderator.');
    let current = true;
    fetchUserCard(token, channel, user)
      .then((c) => current && setCard(c))
      .catch((e) => current && setError(errorText(e)));
    return () => {
      current = false;
    };
  }, [token, channel, user]);

  useEffect(() => {
    dialog.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const act = (frame: Record<string, unknown>, what: string) => {
    setSent(connection.send(frame) ? what : 'Not connected to the chat; try again.');
  };
  const now = Date.now();

  return (
    <div class="mod-card-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div
        class="mod-card"
        id="user-card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="user-card-name"
        data-user={user}
        data-state={card ? 'ready' : error ? 'error' : 'loading'}
        tabIndex={-1}
        ref={dialog}
      >
        <header class="mod-card-head">
          <h2 id="user-card-name">{user}</h2>
          <button type="button" class="btn btn-small" data-testid="user-card-close" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        {error && <p class="form-error" role="alert">{error}</p>}
        {!card && !error && <p class="muted">Loading…</p>}
        {card && (
          <>
            <dl class="mod-card-facts">
              <dt>Account age</dt>
              <dd data-testid="card-account-age">{card.created_at_ms !== null ? formatAge(card.created_at_ms, now) : 'guest / unknown'}</dd>
              <dt>Following</dt>
              <dd data-testid="card-follow-age">{card.followed_at_ms !== null ? `for ${formatAge(card.followed_at_ms, now)}` : 'not following'}</dd>
              {card.roles.length > 0 && (
                <>
                  <dt>Roles</dt>
                  <dd>{card.roles.join(', ')}</dd>
                </>
              )}
              {(card.banned || (card.timeout_until_ms ?? 0) > now) && (
                <>
                  <dt>Status</dt>
                  <dd data-testid="card-status">{card.banned ? 'banned' : `timed out until ${new Date(card.timeout_until_ms!).toLocaleTimeString()}`}</dd>
                </>
              )}
            </dl>
            <h3 class="mod-subhead">Recent messages</h3>
            {card.messages.length === 0 ? (
              <p class="muted">None in this channel.</p>
            ) : (
              <ul class="mod-card-messages" data-testid="card-messages">
                {card.messages.map((m) => (
                  <li key={m.id} data-deleted={m.deleted ? 'true' : undefined}>
                    <time class="muted">{new Date(m.ts).toLocaleTimeString()}</time> {m.deleted ? <del>{m.text}</del> : m.text}
                    {m.deleted && <span class="muted"> (deleted)</span>}
                  </li>
                ))}
              </ul>
            )}
            <h3 class="mod-subhead">Moderation here</h3>
            {card.history.length === 0 ? (
              <p class="muted">None.</p>
            ) : (
              <ul class="mod-card-history" data-testid="card-history">
                {card.history.map((e, i) => (
                  <li key={`${e.id}-${i}`} data-action={e.action}>
                    <time class="muted">{new Date(e.at_ms).toLocaleDateString()}</time> {describeLogEntry(e)}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
        <div class="mod-card-actions">
          <button type="button" class="btn btn-small" data-testid="card-timeout" onClick={() => act({ type: 'timeout', user, seconds: 600 }, `Timed out ${user} for 10 minutes.`)}>
            Timeout 10 min
          </button>
          <button type="button" class="btn btn-small btn-danger" data-testid="card-ban" onClick={() => act({ type: 'ban', user }, `Banned ${user}.`)}>
            Ban
          </button>
          <button type="button" class="btn btn-small" data-testid="card-unban" onClick={() => act({ type: 'unban', user }, `Unbanned ${user}.`)}>
            Unban
          </button>
        </div>
        {sent && (
          <p class="eng-note" role="status">
            {sent}
          </p>
        )}
      </div>
    </div>
  );
}

/** A name that opens the card (a button, for keyboards and screen readers). */
export function UserName({ user, onOpen, compact = false }: { user: string; onOpen: (user: string) => void; compact?: boolean }) {
  return (
    <button
      type="button"
      class={`mod-name${compact ? ' mod-name-compact' : ''}`}
      data-testid="user-name"
      data-user={user}
      aria-label={`User card of ${user}`}
      title={`User card of ${user}`}
      onClick={() => onOpen(user)}
    >
      {compact ? '👤' : user}
    </button>
  );
}
