// Channel page: the channel's past broadcasts, newest first. Read again when the channel goes
// live or offline, since that starts or finishes a recording.
import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../auth';
import { fetchChannelVods, type Vod } from '../vodApi';
import { VodCard } from './VodCard';
import { useAlive } from './useAlive';
import '../vod.css';

export const CHANNEL_VOD_LIMIT = 24;

export function ChannelVideos({ channel, live }: { channel: string; live: boolean }) {
  const session = useSession();
  const token = session?.token ?? null;
  const [vods, setVods] = useState<Vod[] | null>(null);
  const [failed, setFailed] = useState(false);
  const alive = useAlive();

  useEffect(() => {
    fetchChannelVods(channel, token, CHANNEL_VOD_LIMIT)
      .then((list) => {
        if (!alive.current) return;
        setVods(list);
        setFailed(false);
      })
      .catch(() => alive.current && setFailed(true));
  }, [channel, token, live]);

  return (
    <section class="channel-videos" id="videos" aria-labelledby="videos-title" data-state={vods ? 'ready' : failed ? 'error' : 'loading'}>
      <h2 class="section-title" id="videos-title">
        Videos
      </h2>
      {failed && !vods && <p class="muted">Couldn't load the videos.</p>}
      {vods && vods.length === 0 && (
        <p class="muted" id="vod-empty">
          No past broadcasts yet.
        </p>
      )}
      {vods && vods.length > 0 && (
        <ul class="channel-grid vod-grid" id="vod-list">
          {vods.map((v) => (
            <li key={v.id}>
              <VodCard vod={v} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
