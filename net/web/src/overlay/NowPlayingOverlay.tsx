// /overlay/<channel>/now_playing: the owner's "now playing" line (title, artist), as the token's
// check answered it and then as the room's {"type":"now_playing"} frames change it; read again
// after a reconnect (a frame sent meanwhile was missed). Nothing shows when cleared.
import { useState } from 'preact/hooks';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { checkOverlay, parseNowPlayingFrame, type NowPlaying } from './obsApi';

export function NowPlayingOverlay({ channel, overlayToken, initial }: { channel: string; overlayToken: string; initial: NowPlaying | null }) {
  const [playing, setPlaying] = useState<NowPlaying | null>(initial);
  useRoomFrames(
    channel,
    (f) => {
      const np = parseNowPlayingFrame(f);
      if (np) setPlaying(np.nowPlaying);
    },
    () => {
      checkOverlay(channel, 'now_playing', overlayToken)
        .then((c) => setPlaying(c.nowPlaying))
        .catch(() => undefined);
    },
  );
  if (!playing) return <div class="overlay-now-playing" data-testid="overlay-now-playing" data-state="idle" />;
  return (
    <section class="overlay-now-playing eng-card" data-testid="overlay-now-playing" data-state="playing">
      <span class="overlay-np-icon" aria-hidden="true">
        ♪
      </span>
      <span class="overlay-np-text">
        <span class="overlay-np-title" data-testid="overlay-np-title">
          {playing.title}
        </span>
        {playing.artist && (
          <span class="overlay-np-artist" data-testid="overlay-np-artist">
            {playing.artist}
          </span>
        )}
      </span>
    </section>
  );
}
