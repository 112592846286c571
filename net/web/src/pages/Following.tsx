// /following: the channels the signed-in user follows, live ones first as cards with their
// thumbnails (most viewers first), then the offline ones by name. Fetched once per visit.
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { fetchAllLive, type DirectoryChannel } from '../discoveryApi';
import { channelPath } from '../router';
import { fetchFollowing, followingSections } from '../socialApi';
import { ChannelCard } from '../components/ChannelCard';
import { SignInPrompt } from '../components/SignInPrompt';
import '../social-pages.css';

type State = { kind: 'loading' } | { kind: 'ready'; live: DirectoryChannel[]; offline: string[] } | { kind: 'error' };

export function FollowingPage() {
  const session = useSession();
  useEffect(() => {
    document.title = 'Following · AeThex LIVE';
  }, []);
  if (!hasAccount(session)) return <SignInPrompt title="Following" what="to follow channels" />;
  return <FollowingView key={session.token} token={session.token} />;
}

function FollowingView({ token }: { token: string }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    const ctl = new AbortController();
    Promise.all([fetchFollowing(token), fetchAllLive(ctl.signal)])
      .then(([follows, live]) => !ctl.signal.aborted && setState({ kind: 'ready', ...followingSections(follows, live) }))
      .catch(() => !ctl.signal.aborted && setState({ kind: 'error' }));
    return () => ctl.abort();
  }, [token]);

  return (
    <main class="home following" id="following-page" data-state={state.kind}>
      <h1 class="section-title">Following</h1>
      {state.kind === 'loading' && <p class="muted">Loading…</p>}
      {state.kind === 'error' && (
        <p class="notice" id="following-error">
          Couldn't reach the server. Reload to try again.
        </p>
      )}
      {state.kind === 'ready' && state.live.length === 0 && state.offline.length === 0 && (
        <div class="empty" id="following-empty">
          <p class="empty-title">You don't follow anyone yet.</p>
          <p class="muted">
            <a href="/browse">Browse live channels</a> and press Follow on the ones you like.
          </p>
        </div>
      )}
      {state.kind === 'ready' && state.live.length > 0 && (
        <section class="social-section">
          <h2 class="search-heading">Live now</h2>
          <ul class="channel-grid" id="following-live">
            {state.live.map((c) => (
              <li key={c.name}>
                <ChannelCard channel={c} extraClass="following-card" thumbnail />
              </li>
            ))}
          </ul>
        </section>
      )}
      {state.kind === 'ready' && state.offline.length > 0 && (
        <section class="social-section">
          <h2 class="search-heading">Offline</h2>
          <ul class="offline-list" id="following-offline">
            {state.offline.map((name) => (
              <li key={name}>
                <a class="offline-chip" href={channelPath(name)} data-channel={name}>
                  <span class="avatar social-avatar" aria-hidden="true" style={{ width: '24px', height: '24px', fontSize: '12px' }}>
                    {name.slice(0, 1).toUpperCase()}
                  </span>
                  {name}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
