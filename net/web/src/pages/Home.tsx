import { useEffect, useState } from 'preact/hooks';
import { fetchLiveChannels, type Channel } from '../api';
import { startPolling } from '../poll';
import { ChannelCard } from '../components/ChannelCard';
import { RecommendedRow } from '../components/RecommendedRow';
import { ContinueWatchingRow } from '../components/ContinueWatchingRow';

export const HOME_POLL_MS = 5000;

type HomeState = { kind: 'loading' } | { kind: 'ready'; channels: Channel[] } | { kind: 'error' };

export function HomePage() {
  const [state, setState] = useState<HomeState>({ kind: 'loading' });

  useEffect(() => {
    document.title = 'AeThex LIVE';
    const poller = startPolling(
      async (signal) => {
        const channels = await fetchLiveChannels(signal);
        if (!signal.aborted) setState({ kind: 'ready', channels });
      },
      {
        intervalMs: HOME_POLL_MS,
        onError: () => setState((s) => (s.kind === 'ready' ? s : { kind: 'error' })),
      },
    );
    return () => poller.stop();
  }, []);

  return (
    <main class="home" data-state={state.kind}>
      <ContinueWatchingRow />
      <RecommendedRow />
      <h1 class="section-title">Live channels</h1>
      {state.kind === 'loading' && <p class="muted">Loading…</p>}
      {state.kind === 'error' && (
        <p class="notice" id="home-error">
          Couldn't reach the server. Retrying…
        </p>
      )}
      {state.kind === 'ready' && state.channels.length === 0 && (
        <div class="empty" id="empty">
          <p class="empty-title">Nobody is live right now.</p>
          <p class="muted">Channels appear here as soon as they start streaming.</p>
        </div>
      )}
      {state.kind === 'ready' && state.channels.length > 0 && (
        <ul class="channel-grid" id="channel-list">
          {state.channels.map((c) => (
            <li key={c.name}>
              <ChannelCard channel={c} />
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
