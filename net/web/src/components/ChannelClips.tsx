// Channel page: the channel's top clips (most liked), beside its videos. The owner's token also
// brings the clips still rendering or failed, badged as such.
import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../auth';
import { fetchChannelClips, type Clip } from '../clipApi';
import { ClipGrid } from './ClipCard';
import { useAlive } from './useAlive';

export const CHANNEL_CLIP_LIMIT = 12;

export function ChannelClips({ channel }: { channel: string }) {
  const token = useSession()?.token ?? null;
  const [clips, setClips] = useState<Clip[] | null>(null);
  const [failed, setFailed] = useState(false);
  const alive = useAlive();

  useEffect(() => {
    fetchChannelClips(channel, token, 'top', CHANNEL_CLIP_LIMIT)
      .then((list) => alive.current && setClips(list))
      .catch(() => alive.current && setFailed(true));
  }, [channel, token]);

  return (
    <section class="channel-videos" id="clips" aria-labelledby="clips-title" data-state={clips ? 'ready' : failed ? 'error' : 'loading'}>
      <h2 class="section-title" id="clips-title">
        Clips
      </h2>
      {failed && !clips && <p class="muted">Couldn't load the clips.</p>}
      {clips && clips.length === 0 && (
        <p class="muted" id="clip-empty">
          No clips yet.
        </p>
      )}
      {clips && clips.length > 0 && <ClipGrid id="clip-list" clips={clips} />}
    </section>
  );
}
