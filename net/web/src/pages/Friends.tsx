// /friends: friends (message, remove), incoming requests (accept, decline), outgoing requests
// (cancel), blocked users (unblock), and a box to ask someone by name. Live through the
// "messages" topic's `friend` frames (useFriends).
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { hasAccount, useSession } from '../auth';
import { formatAgo } from '../format';
import type { FriendEntry } from '../friendsApi';
import { messagesPath } from '../router';
import { SignInPrompt } from '../components/SignInPrompt';
import { useFriends, type FriendAction, type Friends } from '../components/useFriends';
import '../social-pages.css';

export function FriendsPage() {
  const session = useSession();
  useEffect(() => {
    document.title = 'Friends · AeThex LIVE';
  }, []);
  if (!hasAccount(session)) return <SignInPrompt title="Friends" what="to add friends" />;
  return <FriendsView key={session.token} token={session.token} me={session.username} />;
}

function FriendsView({ token, me }: { token: string; me: string }) {
  const friends = useFriends(token);
  const { lists, loaded, loadError } = friends;
  const now = Date.now();
  return (
    <main class="home social-page" id="friends-page" data-state={loaded ? 'ready' : 'loading'}>
      <h1 class="section-title">Friends</h1>
      <AddFriend friends={friends} me={me} />
      {loadError && (
        <p class="notice" id="friends-error">
          {loadError}
        </p>
      )}
      {lists.incoming.length > 0 && (
        <Section id="friend-incoming" title={`Requests (${lists.incoming.length})`}>
          {lists.incoming.map((e) => (
            <Row key={e.user} entry={e} testid="friend-request" note={`asked ${formatAgo(e.at_ms, now)}`} friends={friends}>
              <ActionButton friends={friends} user={e.user} action="accept" testid="friend-accept" primary label="Accept" />
              <ActionButton friends={friends} user={e.user} action="remove" testid="friend-decline" label="Decline" />
            </Row>
          ))}
        </Section>
      )}
      <Section id="friend-list" title={`Friends (${lists.friends.length})`}>
        {loaded && lists.friends.length === 0 && <li class="muted social-empty">No friends yet. Add someone by name above, or from their channel page.</li>}
        {lists.friends.map((e) => (
          <Row key={e.user} entry={e} testid="friend-row" note={`friends since ${new Date(e.at_ms).toLocaleDateString()}`} friends={friends}>
            <a class="btn btn-primary" href={messagesPath(e.user)} data-testid="friend-message">
              Message
            </a>
            <ActionButton friends={friends} user={e.user} action="remove" testid="friend-remove" label="Remove" confirm={`Remove ${e.user} from your friends?`} />
          </Row>
        ))}
      </Section>
      {lists.outgoing.length > 0 && (
        <Section id="friend-outgoing" title="Sent requests">
          {lists.outgoing.map((e) => (
            <Row key={e.user} entry={e} testid="friend-pending" note={`sent ${formatAgo(e.at_ms, now)}`} friends={friends}>
              <ActionButton friends={friends} user={e.user} action="remove" testid="friend-cancel" label="Cancel" />
            </Row>
          ))}
        </Section>
      )}
      {lists.blocked.length > 0 && (
        <Section id="friend-blocked" title="Blocked">
          {lists.blocked.map((e) => (
            <Row key={e.user} entry={e} testid="blocked-row" friends={friends}>
              <ActionButton friends={friends} user={e.user} action="unblock" testid="friend-unblock" label="Unblock" />
            </Row>
          ))}
        </Section>
      )}
    </main>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="social-section">
      <h2 class="search-heading">{title}</h2>
      <ul class="social-list" id={id}>
        {children}
      </ul>
    </section>
  );
}

function Row({ entry, testid, note, friends, children }: { entry: FriendEntry; testid: string; note?: string; friends: Friends; children: ComponentChildren }) {
  const error = friends.error?.user === entry.user ? friends.error.text : null;
  return (
    <li class="social-row" data-testid={testid} data-user={entry.user}>
      <span class="avatar social-avatar" aria-hidden="true">
        {entry.user.slice(0, 1).toUpperCase()}
      </span>
      <span class="social-text">
        <strong>{entry.user}</strong>
        {entry.online !== undefined && (
          <span class={entry.online ? 'friend-presence online' : 'friend-presence'} data-testid="friend-online" data-online={entry.online ? 'true' : 'false'}>
            {entry.online ? '● online' : 'offline'}
          </span>
        )}
        {note && <span class="muted">{note}</span>}
        {error && (
          <span class="form-error" role="alert">
            {error}
          </span>
        )}
      </span>
      <span class="social-actions">{children}</span>
    </li>
  );
}

function ActionButton(props: { friends: Friends; user: string; action: FriendAction; testid: string; label: string; primary?: boolean; confirm?: string }) {
  const { friends, user, action, testid, label, primary, confirm } = props;
  return (
    <button
      type="button"
      class={primary ? 'btn btn-primary' : 'btn'}
      data-testid={testid}
      disabled={friends.busy === user}
      onClick={() => {
        if (confirm && !window.confirm(confirm)) return;
        void friends.act(user, action);
      }}
    >
      {label}
    </button>
  );
}

function AddFriend({ friends, me }: { friends: Friends; me: string }) {
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [asked, setAsked] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const user = name.trim().toLowerCase();
    if (!user) return;
    if (user === me) return setProblem("That's you.");
    setProblem(null);
    setAsked(user);
    if (await friends.act(user, 'add')) setName('');
  };
  const error = problem ?? (asked !== null && friends.error?.user === asked ? friends.error.text : null);
  return (
    <form class="dash-row social-add" id="friend-add-form" onSubmit={submit}>
      <input
        data-testid="friend-add-input"
        placeholder="Add a friend by username"
        maxLength={64}
        value={name}
        onInput={(e) => setName((e.target as HTMLInputElement).value)}
      />
      <button type="submit" class="btn btn-primary" data-testid="friend-add" disabled={!name.trim() || friends.busy !== null}>
        Send request
      </button>
      {error && (
        <span class="form-error" role="alert" data-testid="friend-add-error">
          {error}
        </span>
      )}
    </form>
  );
}
