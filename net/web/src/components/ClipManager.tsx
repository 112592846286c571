// Dashboard: the channel's clips for its owner, newest first, with those still rendering and
// those that failed; each renamed or deleted after a confirm.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { clipPath, deleteClip, fetchChannelClips, renameClip, type Clip } from '../clipApi';
import { formatDate, formatDuration, formatLikes, formatViews } from '../format';
import { CardPoster } from './VodCard';
import { useAlive } from './useAlive';
import '../clip.css';

/** The most the list takes in one page. */
const MANAGE_LIMIT = 100;

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');

export function ClipManager({ channel, token }: { channel: string; token: string }) {
  const [clips, setClips] = useState<Clip[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const alive = useAlive();

  useEffect(() => {
    fetchChannelClips(channel, token, 'recent', MANAGE_LIMIT)
      .then((list) => alive.current && setClips(list))
      .catch((e) => alive.current && setError(errorText(e)));
  }, [channel, token]);

  async function rename(id: string, title: string) {
    setError(null);
    try {
      const c = await renameClip(token, id, title);
      if (alive.current) setClips((list) => list?.map((x) => (x.id === id ? c : x)) ?? null);
    } catch (e) {
      if (alive.current) setError(errorText(e));
    }
  }

  async function remove(c: Clip) {
    if (!window.confirm(`Delete the clip “${c.title || `Clip of ${c.channel}`}”? This cannot be undone.`)) return;
    setError(null);
    try {
      await deleteClip(token, c.id);
      if (alive.current) setClips((list) => list?.filter((x) => x.id !== c.id) ?? null);
    } catch (e) {
      if (alive.current) setError(errorText(e));
    }
  }

  return (
    <section class="dash-card" id="clip-manager" data-channel={channel} data-state={clips ? 'ready' : 'loading'}>
      <h2>Clips</h2>
      {clips && clips.length === 0 && <p class="muted">No clips yet: viewers make them with Clip on the stream or a video.</p>}
      <ul class="vod-manage-list" id="clip-manage-list">
        {clips?.map((c) => (
          <ClipRow key={c.id} clip={c} onRename={(title) => rename(c.id, title)} onDelete={() => void remove(c)} />
        ))}
      </ul>
      {error && (
        <p class="form-error" role="alert" id="clip-manage-error">
          {error}
        </p>
      )}
    </section>
  );
}

function ClipRow({ clip, onRename, onDelete }: { clip: Clip; onRename: (title: string) => Promise<void>; onDelete: () => void }) {
  const [title, setTitle] = useState(clip.title);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const t = title.trim();
    if (t === '' || t === clip.title) return;
    setBusy(true);
    await onRename(t);
    setBusy(false);
  };
  return (
    <li class="vod-manage clip-manage" data-clip={clip.id} data-state={clip.state}>
      <a class="vod-manage-thumb card-thumb" href={clipPath(clip.id)} aria-label="Watch">
        <CardPoster src={`/vod/${encodeURIComponent(clip.vod)}/poster.jpg`} name={clip.channel} />
      </a>
      <div class="vod-manage-body">
        <form class="dash-row" onSubmit={submit}>
          <input class="clip-rename" aria-label="Title" maxLength={140} value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          <button class="btn clip-rename-save" type="submit" disabled={busy || title.trim() === '' || title.trim() === clip.title}>
            Rename
          </button>
          <button class="btn btn-danger clip-delete" type="button" disabled={busy} onClick={onDelete}>
            Delete
          </button>
        </form>
        <p class="muted">
          {clip.state === 'rendering' && <span class="clip-state">Rendering {Math.floor(clip.progress)}%</span>}
          {clip.state === 'failed' && <span class="clip-state" title={clip.error}>Failed</span>} {formatDate(clip.created_at_ms)} · {formatDuration(clip.duration_s, false)} · by {clip.creator} ·{' '}
          {formatViews(clip.views)} · {formatLikes(clip.likes)}
        </p>
      </div>
    </li>
  );
}
