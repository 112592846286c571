// The dashboard's track library (docs/music.md): search, add, edit, delete, artwork upload, CSV
// or M3U import with the per-line errors shown, and from each row: play now, play next, queue.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { addTrack, artworkUrl, deleteTrack, editTrack, fetchTracks, importFormat, importTracks, uploadArtwork, IMPORT_MAX, type ImportResult } from './api';
import { formatDuration, parseDurationText, type Track } from './model';

const PAGE = 100;

export const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');

interface Draft {
  title: string;
  artist: string;
  album: string;
  bpm: string;
  key: string;
  duration: string;
  spotify: string;
}
const emptyDraft: Draft = { title: '', artist: '', album: '', bpm: '', key: '', duration: '', spotify: '' };

const toDraft = (t: Track): Draft => ({
  title: t.title,
  artist: t.artist,
  album: t.album,
  bpm: t.bpm ? String(t.bpm) : '',
  key: t.key,
  duration: t.durationMs ? formatDuration(t.durationMs) : '',
  spotify: t.spotifyId,
});

/** The draft as track fields, or a sentence saying what is wrong (the node checks again). */
export function draftToTrack(d: Draft): Partial<Track> | string {
  const title = d.title.trim();
  if (title === '' || title.length > 200) return 'A title of 1–200 characters is needed.';
  const bpm = d.bpm.trim() === '' ? 0 : Number(d.bpm);
  if (!Number.isFinite(bpm) || (bpm !== 0 && (bpm < 20 || bpm > 400))) return 'BPM is 20–400.';
  const durationMs = parseDurationText(d.duration);
  if (durationMs === null) return 'Duration is m:ss or seconds.';
  if (d.key.trim().length > 8) return 'A key is at most 8 characters (8A, F#m).';
  if (d.spotify.trim() !== '' && !/^[A-Za-z0-9]{1,64}$/.test(d.spotify.trim())) return 'A Spotify track id is letters and digits.';
  return { title, artist: d.artist.trim(), album: d.album.trim(), bpm: Math.round(bpm * 10) / 10, key: d.key.trim(), durationMs, spotifyId: d.spotify.trim() };
}

export function LibraryCard(props: {
  channel: string;
  token: string;
  playingId: string | null;
  onPlay: (id: string) => void;
  onPlayNext: (id: string) => void;
  onQueue: (id: string) => void;
  onChanged: () => void;
}) {
  const { channel, token } = props;
  const [q, setQ] = useState('');
  const [tracks, setTracks] = useState<Track[] | null>(null);
  const [total, setTotal] = useState(0);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null); // a track id, or '' for a new one
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [imported, setImported] = useState<ImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [artVersion, setArtVersion] = useState(0);

  useEffect(() => {
    let current = true;
    // Typing waits a moment, so a search is not a request per key.
    const t = setTimeout(
      () =>
        fetchTracks(channel, token, q.trim(), PAGE)
          .then((r) => {
            if (!current) return;
            setTracks(r.tracks);
            setTotal(r.total);
          })
          .catch((e) => current && setError(errorText(e))),
      q ? 250 : 0,
    );
    return () => {
      current = false;
      clearTimeout(t);
    };
  }, [channel, token, q, version]);

  const reload = () => {
    setVersion((v) => v + 1);
    props.onChanged();
  };
  const run = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const save = (ev: Event) => {
    ev.preventDefault();
    const t = draftToTrack(draft);
    if (typeof t === 'string') return setError(t);
    void run(async () => {
      if (editing) await editTrack(channel, token, editing, t);
      else await addTrack(channel, token, t);
      setEditing(null);
      setDraft(emptyDraft);
      reload();
    });
  };
  const onImport = (ev: Event) => {
    const input = ev.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (file.size > IMPORT_MAX) return setError('An import file is at most 1 MiB.');
    void run(async () => {
      setImported(await importTracks(channel, token, importFormat(file.name), await file.text()));
      reload();
    });
  };
  const onArtwork = (id: string, ev: Event) => {
    const input = ev.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    void run(async () => {
      await uploadArtwork(channel, token, id, file);
      setArtVersion((v) => v + 1);
      reload();
    });
  };
  const field = (k: keyof Draft, label: string, extra: Record<string, unknown> = {}) => (
    <label>
      {label}
      <input data-testid={`music-track-${k}`} value={draft[k]} onInput={(e) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value })} {...extra} />
    </label>
  );

  return (
    <section class="dash-card" data-testid="music-library" data-loaded={tracks !== null ? 'true' : 'false'} data-total={total}>
      <h2>Track library</h2>
      <div class="music-toolbar">
        <input type="search" placeholder="Search title, artist, album" aria-label="Search tracks" data-testid="music-search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        <button
          type="button"
          class="btn"
          data-testid="music-add"
          onClick={() => {
            setEditing('');
            setDraft(emptyDraft);
          }}
        >
          Add track
        </button>
        <label class="btn" data-testid="music-import-label">
          Import CSV / M3U
          <input type="file" accept=".csv,.m3u,.m3u8,text/csv,audio/x-mpegurl" data-testid="music-import" hidden onChange={onImport} disabled={busy} />
        </label>
      </div>
      {imported && (
        <div data-testid="music-import-result" data-imported={imported.imported} data-errors={imported.errors.length}>
          <p class={imported.errors.length ? 'form-error' : 'form-ok'}>
            Imported {imported.imported}, skipped {imported.skipped}
            {imported.errors.length ? `, ${imported.errors.length} line${imported.errors.length === 1 ? '' : 's'} with errors:` : '.'}
          </p>
          {imported.errors.length > 0 && (
            <ul class="music-import-errors" data-testid="music-import-errors">
              {imported.errors.slice(0, 100).map((e) => (
                <li key={`${e.line}-${e.error}`}>
                  Line {e.line}: {e.error}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {editing !== null && (
        <form class="music-form" data-testid="music-track-form" onSubmit={save} noValidate>
          {field('title', 'Title', { maxLength: 200, required: true })}
          {field('artist', 'Artist', { maxLength: 200 })}
          {field('album', 'Album', { maxLength: 200 })}
          {field('bpm', 'BPM', { inputMode: 'decimal' })}
          {field('key', 'Key', { maxLength: 8 })}
          {field('duration', 'Duration (m:ss)')}
          {field('spotify', 'Spotify track id', { maxLength: 64 })}
          <div class="dash-row">
            <button type="submit" class="btn btn-primary" data-testid="music-track-save" disabled={busy}>
              {editing ? 'Save' : 'Add'}
            </button>
            <button type="button" class="btn" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {error && (
        <p class="form-error" role="alert" data-testid="music-error">
          {error}
        </p>
      )}
      {tracks && tracks.length === 0 && <p class="muted">{q ? 'No track matches.' : 'No tracks yet: add one or import a CSV or M3U file.'}</p>}
      {tracks && tracks.length > 0 && (
        <table class="music-table" data-testid="music-tracks">
          <thead>
            <tr>
              <th class="hide-phone" />
              <th>Title</th>
              <th>Artist</th>
              <th class="hide-phone">BPM</th>
              <th class="hide-phone">Key</th>
              <th class="hide-phone">Length</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tracks.map((t) => (
              <tr key={t.id} data-track={t.id} data-playing={t.id === props.playingId ? 'true' : 'false'}>
                <td class="hide-phone">
                  <label title="Upload artwork (PNG or JPEG, up to 1 MiB)" class="music-art-upload">
                    {t.artwork ? <img class="dj-art small" src={artworkUrl(channel, t.id, artVersion)} alt="" /> : <span class="dj-art small placeholder">♪</span>}
                    <input type="file" accept="image/png,image/jpeg" hidden onChange={(e) => onArtwork(t.id, e)} />
                  </label>
                </td>
                <td>
                  <button type="button" class="linkish" title="Mark as now playing" data-testid="music-play" onClick={() => props.onPlay(t.id)}>
                    {t.title}
                  </button>
                </td>
                <td>{t.artist}</td>
                <td class="hide-phone">{t.bpm || ''}</td>
                <td class="hide-phone">{t.key}</td>
                <td class="hide-phone">{t.durationMs ? formatDuration(t.durationMs) : ''}</td>
                <td class="actions">
                  <button type="button" class="btn btn-small" data-testid="music-play-next" onClick={() => props.onPlayNext(t.id)}>
                    Play next
                  </button>{' '}
                  <button type="button" class="btn btn-small" data-testid="music-enqueue" onClick={() => props.onQueue(t.id)}>
                    Queue
                  </button>{' '}
                  <button
                    type="button"
                    class="btn btn-small"
                    onClick={() => {
                      setEditing(t.id);
                      setDraft(toDraft(t));
                    }}
                  >
                    Edit
                  </button>{' '}
                  <button
                    type="button"
                    class="btn btn-small btn-danger"
                    aria-label={`Delete ${t.title}`}
                    onClick={() => {
                      if (window.confirm(`Delete “${t.title}” from the library?`)) void run(async () => (await deleteTrack(channel, token, t.id), reload()));
                    }}
                  >
                    ✕
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total > PAGE && (
        <p class="muted">
          Showing {Math.min(PAGE, tracks?.length ?? 0)} of {total}: search to narrow down.
        </p>
      )}
    </section>
  );
}
