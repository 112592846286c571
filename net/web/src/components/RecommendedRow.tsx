// Home page: "Recommended for you" (signed-in accounts only), one card per channel with the
// server's one-line reason under it. Hidden while loading, on failure and when empty.
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { fetchRecommendations, type RecommendedChannel } from '../discoveryApi';
import { ChannelCard } from './ChannelCard';

export function RecommendedRow() {
  const session = useSession();
  return hasAccount(session) ? <Recommended key={session.token} token={session.token} /> : null;
}

function Recommended({ token }: { token: string }) {
  const [channels, setChannels] = useState<RecommendedChannel[]>([]);
  useEffect(() => {
    let stopped = false;
    fetchRecommendations(token)
      .then((list) => !stopped && setChannels(list))
      .catch(() => undefined); // nothing to recommend is no error to show
    return () => {
      stopped = true;
    };
  }, [token]);
  if (channels.length === 0) return null;
  return (
    <section class="recommended" id="recommended" aria-labelledby="recommended-title">
      <h2 class="section-title" id="recommended-title">
        Recommended for you
      </h2>
      <ul class="channel-grid recommended-row">
        {channels.map((c) => (
          <li key={c.name} data-testid="recommended-card" data-channel={c.name}>
            <ChannelCard channel={c} extraClass="recommended-card" thumbnail />
            {c.reason && (
              <p class="card-reason" data-testid="recommended-reason">
                {c.reason}
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
