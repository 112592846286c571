// Home page: "Continue watching" (signed-in accounts only), the VODs the viewer stopped in, each
// with a progress bar. Hidden while loading, on failure and when empty.
import { useEffect, useState } from 'preact/hooks';
import { hasAccount, useSession } from '../auth';
import { fetchContinueWatching, type WatchedVod } from '../vodApi';
import { VodCard } from './VodCard';
import '../vod.css';

export function ContinueWatchingRow() {
  const session = useSession();
  return hasAccount(session) ? <ContinueWatching key={session.token} token={session.token} /> : null;
}

function ContinueWatching({ token }: { token: string }) {
  const [vods, setVods] = useState<WatchedVod[]>([]);
  useEffect(() => {
    let stopped = false;
    fetchContinueWatching(token)
      .then((list) => !stopped && setVods(list))
      .catch(() => undefined); // the row just stays away
    return () => {
      stopped = true;
    };
  }, [token]);
  if (vods.length === 0) return null;
  return (
    <section class="recommended" id="continue-watching" aria-labelledby="continue-watching-title">
      <h2 class="section-title" id="continue-watching-title">
        Continue watching
      </h2>
      <ul class="channel-grid recommended-row">
        {vods.map((v) => (
          <li key={v.id}>
            <VodCard vod={v} positionS={v.position_s} />
          </li>
        ))}
      </ul>
    </section>
  );
}
