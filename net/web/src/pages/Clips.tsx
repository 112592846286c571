// /clips: the trending clips across channels (likes and views, weighed by freshness; the server
// ranks them).
import { useEffect, useState } from 'preact/hooks';
import { fetchTrendingClips, type Clip } from '../clipApi';
import { ClipGrid } from '../components/ClipCard';
import { useAlive } from '../components/useAlive';

export const TRENDING_LIMIT = 40;

export function ClipsPage() {
  const [clips, setClips] = useState<Clip[] | null>(null);
  const [failed, setFailed] = useState(false);
  const alive = useAlive();

  useEffect(() => {
    document.title = 'Trending clips · AeThex LIVE';
    fetchTrendingClips(TRENDING_LIMIT)
      .then((list) => alive.current && setClips(list))
      .catch(() => alive.current && setFailed(true));
  }, []);

  return (
    <main class="home" data-state={clips ? 'ready' : failed ? 'error' : 'loading'}>
      <h1 class="section-title">Trending clips</h1>
      {!clips && !failed && <p class="muted">Loading…</p>}
      {failed && <p class="notice">Couldn't load the clips.</p>}
      {clips && clips.length === 0 && (
        <div class="empty" id="clips-empty">
          <p class="empty-title">No clips this week yet.</p>
          <p class="muted">Clip a moment of a stream or a past broadcast and it shows up here.</p>
        </div>
      )}
      {clips && clips.length > 0 && <ClipGrid id="trending-clips" clips={clips} />}
    </main>
  );
}
