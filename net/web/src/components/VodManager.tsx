// Dashboard: the channel's past broadcasts for its owner, each renamed, given a privacy,
// downloaded (the original file) or deleted after a confirm.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { formatDate, formatDuration, formatViews } from '../format';
import { PRIVACY_OPTIONS, deleteVod, fetchChannelVods, updateVod, vodPath, type Vod, type VodPrivacy } from '../vodApi';
import { useAlive } from './useAlive';
import { CardPoster } from './VodCard';
import '../vod.css';

/** Everything the owner manages fits one page of the list. */
const MANAGE_LIMIT = 100;

type VodChange = { title?: string; privacy?: VodPrivacy };

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');

export function VodManager({ channel, token }: { channel: string; token: string }) {
  const [vods, setVods] = useState<Vod[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const alive = useAlive();

  useEffect(() => {
    fetchChannelVods(channel, token, MANAGE_LIMIT)
      .then((list) => alive.current && setVods(list))
      .catch((e) => alive.current && setError(errorText(e)));
  }, [channel, token]);

  async function edit(id: string, change: VodChange) {
    setError(null);
    try {
      const v = await updateVod(token, id, change);
      if (alive.current) setVods((list) => list?.map((x) => (x.id === id ? v : x)) ?? null);
    } catch (e) {
      if (alive.current) setError(errorText(e));
    }
  }

  async function remove(v: Vod) {
    if (!window.confirm(`Delete “${v.title || 'Untitled broadcast'}”? This cannot be undone.`)) return;
    setError(null);
    try {
      await deleteVod(token, v.id);
      if (alive.current) setVods((list) => list?.filter((x) => x.id !== v.id) ?? null);
    } catch (e) {
      if (alive.current) setError(errorText(e));
    }
  }

  return (
    <section class="dash-card" id="vod-manager" data-channel={channel} data-state={vods ? 'ready' : 'loading'}>
      <h2>Videos</h2>
      {vods && vods.length === 0 && <p class="muted">No past broadcasts yet.</p>}
      <ul class="vod-manage-list" id="vod-manage-list">
        {vods?.map((v) => (
          <VodRow key={v.id} vod={v} onEdit={(change) => edit(v.id, change)} onDelete={() => void remove(v)} />
        ))}
      </ul>
      {error && (
        <p class="form-error" role="alert" id="vod-manage-error">
          {error}
        </p>
      )}
    </section>
  );
}

function VodRow({ vod, onEdit, onDelete }: { vod: Vod; onEdit: (change: VodChange) => Promise<void>; onDelete: () => void }) {
  const [title, setTitle] = useState(vod.title);
  const [busy, setBusy] = useState(false);
  const run = async (change: VodChange) => {
    setBusy(true);
    await onEdit(change);
    setBusy(false);
  };
  const rename = (e: Event) => {
    e.preventDefault();
    const t = title.trim();
    if (t !== vod.title) void run({ title: t });
  };
  return (
    <li class="vod-manage" data-vod={vod.id} data-state={vod.state}>
      <a class="vod-manage-thumb card-thumb" href={vodPath(vod.id)} aria-label="Watch">
        <CardPoster src={vod.poster} name={vod.channel} />
      </a>
      <div class="vod-manage-body">
        <form class="dash-row" onSubmit={rename}>
          <input class="vod-rename" aria-label="Title" maxLength={140} value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          <button class="btn vod-rename-save" type="submit" disabled={busy || title.trim() === vod.title}>
            Rename
          </button>
        </form>
        <p class="muted">
          {vod.state === 'recording' && <span class="vod-recording">Recording</span>} {formatDate(vod.started_at_ms)} · {formatDuration(vod.duration_s)} · {formatViews(vod.views)}
          {vod.expires_at_ms !== null && <> · removed {formatDate(vod.expires_at_ms)}</>}
        </p>
        <div class="dash-row">
          <select class="vod-privacy" aria-label="Who can watch" value={vod.privacy} disabled={busy} onChange={(e) => void run({ privacy: (e.target as HTMLSelectElement).value as VodPrivacy })}>
            {PRIVACY_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <a class="btn vod-download" href={vod.download} download>
            Download
          </a>
          <button class="btn btn-danger vod-delete" type="button" disabled={busy} onClick={onDelete}>
            Delete
          </button>
        </div>
      </div>
    </li>
  );
}
