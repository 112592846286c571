// The dashboard's Music tab (docs/music.md): DJ mode and the chat announcement, what plays now
// (next from the queue, an ad-hoc title, stop), the queue (reorder, remove, play next), the
// track library, the audio metrics and the Spotify link.
import { useEffect, useState } from 'preact/hooks';
import { enqueue, fetchMusic, fetchSpotify, playNow, saveSettings, setQueue, spotifyLinkUrl, stopPlaying, unlinkSpotify, type SpotifyStatus } from './api';
import { AudioMetrics } from './AudioMetrics';
import { LibraryCard, errorText } from './LibraryCard';
import { moveItem, playNextIds, removeAt, timeInTrack, QUEUE_MAX, type MusicState } from './model';
import { useNow } from '../components/useNow';
import './music.css';

export function MusicPanel({ channel, token }: { channel: string; token: string }) {
  const [music, setMusic] = useState<MusicState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [adHoc, setAdHoc] = useState({ title: '', artist: '' });
  const load = () =>
    fetchMusic(channel)
      .then((r) => setMusic(r.music))
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, [channel]);
  const now = useNow(music?.nowPlaying != null);

  const run = async (f: () => Promise<MusicState | null | void>) => {
    setBusy(true);
    setError(null);
    try {
      const m = await f();
      if (m) setMusic(m);
      else await load();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const queueIds = music?.queue.map((t) => t.id) ?? [];
  const putQueue = (ids: string[]) => run(() => setQueue(channel, token, ids.slice(0, QUEUE_MAX)));
  const play = (id: string) => run(async () => void (await playNow(channel, token, { track: id })));

  return (
    <div class="music-panel" data-testid="music-panel" data-loaded={music ? 'true' : 'false'}>
      <section class="dash-card">
        <h2>DJ mode</h2>
        <div class="dash-row">
          <label>
            <input
              type="checkbox"
              data-testid="music-dj-mode"
              checked={music?.djMode ?? false}
              disabled={!music || busy}
              onChange={(e) => run(() => saveSettings(channel, token, { dj_mode: (e.target as HTMLInputElement).checked }))}
            />{' '}
            DJ mode: the channel page shows the now-playing card, queue, history and visualiser
          </label>
        </div>
        <div class="dash-row">
          <label>
            <input
              type="checkbox"
              data-testid="music-announce"
              checked={music?.announceInChat ?? true}
              disabled={!music || busy}
              onChange={(e) => run(() => saveSettings(channel, token, { announce_in_chat: (e.target as HTMLInputElement).checked }))}
            />{' '}
            Announce each track in chat
          </label>
        </div>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
      </section>

      <section class="dash-card" data-testid="music-now" data-track={music?.nowPlaying?.track.id ?? ''}>
        <h2>Now playing</h2>
        {music?.nowPlaying ? (
          <p>
            <strong data-testid="music-now-title">{music.nowPlaying.track.title}</strong>
            {music.nowPlaying.track.artist && ` — ${music.nowPlaying.track.artist}`} <span class="muted">({timeInTrack(music.nowPlaying, now)})</span>
          </p>
        ) : (
          <p class="muted">Nothing is playing.</p>
        )}
        <div class="dash-row">
          <button type="button" class="btn btn-primary" data-testid="music-next" disabled={busy || !music?.queue.length} onClick={() => run(async () => void (await playNow(channel, token, { next: true })))}>
            Play next in queue
          </button>
          <button type="button" class="btn" disabled={busy || !music?.nowPlaying} onClick={() => run(() => stopPlaying(channel, token))}>
            Stop
          </button>
        </div>
        <form
          class="dash-row"
          onSubmit={(ev) => {
            ev.preventDefault();
            if (!adHoc.title.trim()) return;
            void run(async () => {
              await playNow(channel, token, { title: adHoc.title.trim(), ...(adHoc.artist.trim() ? { artist: adHoc.artist.trim() } : {}) });
              setAdHoc({ title: '', artist: '' });
            });
          }}
        >
          <input placeholder="Title (not in the library)" aria-label="Ad-hoc title" maxLength={200} value={adHoc.title} onInput={(e) => setAdHoc({ ...adHoc, title: (e.target as HTMLInputElement).value })} />
          <input placeholder="Artist" aria-label="Ad-hoc artist" maxLength={200} value={adHoc.artist} onInput={(e) => setAdHoc({ ...adHoc, artist: (e.target as HTMLInputElement).value })} />
          <button type="submit" class="btn" disabled={busy || !adHoc.title.trim()}>
            Play this
          </button>
        </form>
      </section>

      <section class="dash-card" data-testid="music-queue" data-count={queueIds.length}>
        <h2>Queue</h2>
        {music && music.queue.length === 0 && <p class="muted">Empty: add tracks from the library below.</p>}
        <ol class="music-queue">
          {music?.queue.map((t, i) => (
            <li key={`${t.id}-${i}`} data-track={t.id}>
              <span class="grow">
                <strong>{t.title}</strong>
                {t.artist && <span class="muted"> — {t.artist}</span>}
              </span>
              <button type="button" class="btn btn-small" aria-label={`Move ${t.title} up`} disabled={busy || i === 0} onClick={() => putQueue(moveItem(queueIds, i, i - 1))}>
                ↑
              </button>
              <button type="button" class="btn btn-small" aria-label={`Move ${t.title} down`} disabled={busy || i === queueIds.length - 1} onClick={() => putQueue(moveItem(queueIds, i, i + 1))}>
                ↓
              </button>
              <button type="button" class="btn btn-small" disabled={busy} onClick={() => play(t.id)}>
                Play now
              </button>
              <button type="button" class="btn btn-small btn-danger" aria-label={`Remove ${t.title} from the queue`} disabled={busy} onClick={() => putQueue(removeAt(queueIds, i))}>
                ✕
              </button>
            </li>
          ))}
        </ol>
      </section>

      <LibraryCard
        channel={channel}
        token={token}
        playingId={music?.nowPlaying?.track.id || null}
        onPlay={play}
        onPlayNext={(id) => putQueue(playNextIds(queueIds, id))}
        onQueue={(id) => run(() => enqueue(channel, token, id))}
        onChanged={() => void load()}
      />
      <AudioMetrics channel={channel} token={token} />
      <SpotifyCard channel={channel} token={token} />
    </div>
  );
}

function SpotifyCard({ channel, token }: { channel: string; token: string }) {
  const [status, setStatus] = useState<SpotifyStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    fetchSpotify(channel, token)
      .then(setStatus)
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, [channel, token]);
  return (
    <section class="dash-card" data-testid="music-spotify" data-linked={status?.linked ? 'true' : 'false'}>
      <h2>Spotify</h2>
      {status && !status.configured && <p class="muted">This site has no Spotify app configured, so accounts cannot be linked.</p>}
      {status?.configured && (
        <>
          <p class="muted">{status.linked ? 'Linked: while you are live in DJ mode, what your Spotify account plays becomes now playing.' : 'Link your Spotify account to take now playing from it.'}</p>
          <div class="dash-row">
            {status.linked ? (
              <button type="button" class="btn" onClick={() => unlinkSpotify(channel, token).then(load, (e) => setError(errorText(e)))}>
                Unlink Spotify
              </button>
            ) : (
              <button type="button" class="btn btn-primary" onClick={() => spotifyLinkUrl(channel, token).then((u) => window.location.assign(u), (e) => setError(errorText(e)))}>
                Link Spotify
              </button>
            )}
          </div>
        </>
      )}
      {error && <p class="form-error">{error}</p>}
    </section>
  );
}
