// The channel page's DJ layout (docs/music.md), shown under the player while the channel is in
// DJ mode: the visualiser, the large now-playing card (artwork, title, artist, BPM, key, time in
// track, Spotify's embed), the upcoming queue and the set's history. The room's now_playing
// frames refresh it without a reload; after a reconnect it reads the answer again.
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useRoomFrames } from '../engagement/useLiveEngagement';
import { useNow } from '../components/useNow';
import { artworkUrl, fetchMusic, spotifyEmbedUrl } from './api';
import { applyPlay, emptyMusic, formatDuration, parseNowPlayingFrame, playedAtText, progress, timeInTrack, type MusicState, type Play, type Track } from './model';
import { Visualiser } from './Visualiser';
import './music.css';

/** Polls the answer this often too: a settings change (DJ mode on/off) sends no frame. */
const MUSIC_POLL_MS = 30_000;

export function DjStage({ channel, media, live }: { channel: string; media: RefObject<HTMLMediaElement | null>; live: boolean }) {
  const [music, setMusic] = useState<MusicState | null>(null);
  const [skewMs, setSkewMs] = useState(0);
  const epoch = useRef(0);
  const load = () => {
    const mine = ++epoch.current;
    const sentAt = Date.now();
    fetchMusic(channel)
      .then(({ music: m, serverMs }) => {
        if (mine !== epoch.current) return;
        setMusic(m);
        // The Date header has whole seconds: only a skew beyond them is worth correcting.
        if (serverMs !== null) {
          const skew = serverMs - (sentAt + Date.now()) / 2;
          setSkewMs(Math.abs(skew) > 2000 ? skew : 0);
        }
      })
      .catch(() => {
        if (mine === epoch.current) setMusic((m) => m ?? emptyMusic);
      });
  };
  useEffect(() => {
    setMusic(null);
    load();
    const t = setInterval(load, MUSIC_POLL_MS);
    return () => {
      epoch.current++;
      clearInterval(t);
    };
  }, [channel]);
  useRoomFrames(
    channel,
    (f) => {
      const np = parseNowPlayingFrame(f);
      if (!np) return;
      // A frame outruns an answer already on its way: that answer must not undo it.
      epoch.current++;
      setMusic((m) => applyPlay(m ?? emptyMusic, np.play));
    },
    load,
  );
  const playing = music?.nowPlaying ?? null;
  const now = useNow(playing !== null);
  if (!music?.djMode) return null;
  // Two parts, so a phone shows the card above the chat and the lists below it (mobile.css
  // flattens the page's main column into one ordered flow).
  return (
    <>
      <section class="dj-stage" id="dj-stage" data-testid="dj-stage" aria-label="DJ set">
        <Visualiser channel={channel} media={media.current} live={live} />
        <NowPlayingCard channel={channel} play={playing} now={now} skewMs={skewMs} />
      </section>
      <section class="dj-lists" aria-label="Queue and history">
        <QueueList channel={channel} queue={music.queue} />
        <HistoryList history={music.history.filter((h) => !playing || h.playedAtMs !== playing.playedAtMs || h.track.title !== playing.track.title)} />
      </section>
    </>
  );
}

function Artwork({ channel, track, size }: { channel: string; track: Track; size: 'large' | 'small' }) {
  const [failed, setFailed] = useState(false);
  useEffect(() => setFailed(false), [track.id, track.artwork]);
  if (track.artwork && track.id !== '' && !failed)
    return <img class={`dj-art ${size}`} src={artworkUrl(channel, track.id)} alt="" loading="lazy" onError={() => setFailed(true)} />;
  return (
    <div class={`dj-art ${size} placeholder`} aria-hidden="true">
      ♪
    </div>
  );
}

export function NowPlayingCard({ channel, play, now, skewMs }: { channel: string; play: Play | null; now: number; skewMs: number }) {
  if (!play)
    return (
      <article class="dj-now dj-card" data-testid="dj-now" data-state="idle">
        <p class="muted">Nothing is playing right now.</p>
      </article>
    );
  const t = play.track;
  const p = progress(play, now, skewMs);
  return (
    <article class="dj-now dj-card" data-testid="dj-now" data-state="playing" data-track={t.id}>
      <div class="dj-now-main">
        <Artwork channel={channel} track={t} size="large" />
        <div class="dj-now-text">
          <p class="dj-eyebrow">Now playing</p>
          <h2 class="dj-title" data-testid="dj-now-title">
            {t.title}
          </h2>
          {t.artist && (
            <p class="dj-artist" data-testid="dj-now-artist">
              {t.artist}
            </p>
          )}
          {t.album && <p class="dj-album muted">{t.album}</p>}
          <p class="dj-tags">
            {t.bpm > 0 && (
              <span class="dj-tag" data-testid="dj-now-bpm">
                {Number.isInteger(t.bpm) ? t.bpm : t.bpm.toFixed(1)} BPM
              </span>
            )}
            {t.key && (
              <span class="dj-tag" data-testid="dj-now-key">
                {t.key}
              </span>
            )}
            {play.source !== 'manual' && <span class="dj-tag subtle">{play.source}</span>}
          </p>
          <p class="dj-time" data-testid="dj-now-time">
            {timeInTrack(play, now, skewMs)}
          </p>
          {p !== null && (
            <div class="dj-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(p * 100)}>
              <span style={{ width: `${p * 100}%` }} />
            </div>
          )}
        </div>
      </div>
      {t.spotifyId && (
        <iframe
          class="dj-spotify"
          data-testid="dj-spotify"
          title={`${t.title} on Spotify`}
          src={spotifyEmbedUrl(t.spotifyId)}
          width="100%"
          height="80"
          loading="lazy"
          allow="autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture"
        />
      )}
    </article>
  );
}

function QueueList({ channel, queue }: { channel: string; queue: Track[] }) {
  return (
    <section class="dj-card dj-queue" data-testid="dj-queue">
      <h3>Up next</h3>
      {queue.length === 0 ? (
        <p class="muted">The queue is empty.</p>
      ) : (
        <ol>
          {queue.slice(0, 20).map((t, i) => (
            <li key={`${t.id}-${i}`} data-track={t.id}>
              <Artwork channel={channel} track={t} size="small" />
              <span class="dj-row-text">
                <span class="dj-row-title">{t.title}</span>
                {t.artist && <span class="muted">{t.artist}</span>}
              </span>
              {t.durationMs > 0 && <span class="dj-row-meta muted">{formatDuration(t.durationMs)}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function HistoryList({ history }: { history: Play[] }) {
  return (
    <section class="dj-card dj-history" data-testid="dj-history">
      <h3>Played in this set</h3>
      {history.length === 0 ? (
        <p class="muted">Nothing yet.</p>
      ) : (
        <ol>
          {history.map((h) => (
            <li key={`${h.playedAtMs}-${h.track.title}`}>
              <time class="dj-row-meta muted" dateTime={new Date(h.playedAtMs).toISOString()}>
                {playedAtText(h.playedAtMs)}
              </time>
              <span class="dj-row-text">
                <span class="dj-row-title">{h.track.title}</span>
                {h.track.artist && <span class="muted">{h.track.artist}</span>}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
