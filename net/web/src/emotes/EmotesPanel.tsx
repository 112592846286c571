// Dashboard: the channel's custom emotes (docs/emotes.md). The limits the server answers with,
// an upload form (code + PNG/GIF file, sent as the raw request body) checked cheaply here first
// (code, format by the file's bytes, size, square sides) while the server stays the judge, and
// the list with a Delete button per emote.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useAlive } from '../components/useAlive';
import {
  checkDimensions,
  checkUpload,
  deleteEmote,
  setEmoteTier,
  fetchEmotes,
  formatKib,
  sniffFormat,
  uploadEmote,
  type CustomEmote,
  type EmoteList,
  type UploadCheck,
} from '../chat/customEmotes';
import { formatDate } from '../format';
import './emotes.css';

const errorText = (e: unknown) => (e instanceof ApiError ? (e.status === 401 ? 'Log in first.' : e.message) : 'Could not reach the server.');

/** The decoded image's size; null when the browser cannot decode it (the server will say why). */
function imageSize(file: Blob): Promise<{ width: number; height: number } | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    const done = (v: { width: number; height: number } | null) => {
      URL.revokeObjectURL(url);
      resolve(v);
    };
    img.onload = () => done({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => done(null);
    img.src = url;
  });
}

/** Everything checkable before the upload; the first problem found. */
async function precheck(code: string, file: File, list: EmoteList): Promise<UploadCheck> {
  const format = sniffFormat(new Uint8Array(await file.slice(0, 8).arrayBuffer()));
  const basic = checkUpload({ code, size: file.size, format }, list);
  if (!basic.ok) return basic;
  const size = await imageSize(file);
  return size ? checkDimensions(size.width, size.height, list.limits) : { ok: true };
}

export function EmotesPanel({ channel, token }: { channel: string; token: string }) {
  const [list, setList] = useState<EmoteList | null>(null);
  const [code, setCode] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ field: 'code' | 'file' | 'form'; error: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const alive = useAlive();

  useEffect(() => {
    fetchEmotes(channel)
      .then((l) => alive.current && setList(l))
      .catch((e) => alive.current && setProblem({ field: 'form', error: errorText(e) }));
  }, [channel]);

  // The chosen file's preview, released when replaced.
  useEffect(() => {
    if (!file) return setPreview(null);
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!list || busy) return;
    const c = code.trim();
    if (!file) return setProblem({ field: 'file', error: 'Choose a PNG or GIF image.' });
    setBusy(true);
    setProblem(null);
    setAdded(null);
    try {
      const checked = await precheck(c, file, list);
      if (!checked.ok) {
        if (alive.current) setProblem(checked);
        return;
      }
      const emote = await uploadEmote(token, channel, c, file);
      if (!alive.current) return;
      setList((l) => (l ? { ...l, emotes: [...l.emotes.filter((x) => x.code !== emote.code), emote] } : l));
      setAdded(emote.code);
      setCode('');
      setFile(null);
      if (fileInput.current) fileInput.current.value = '';
    } catch (err) {
      if (alive.current) setProblem({ field: 'form', error: errorText(err) });
    } finally {
      if (alive.current) setBusy(false);
    }
  };

  const remove = async (emote: CustomEmote) => {
    if (!window.confirm(`Delete :${emote.code}:? Chat shows it as text from now on.`)) return;
    setBusy(true);
    setProblem(null);
    try {
      await deleteEmote(token, channel, emote.code);
      if (alive.current) setList((l) => (l ? { ...l, emotes: l.emotes.filter((x) => x.code !== emote.code) } : l));
    } catch (err) {
      // Already gone (another tab, a takedown): the list says so too.
      if (err instanceof ApiError && err.status === 404) {
        if (alive.current) setList((l) => (l ? { ...l, emotes: l.emotes.filter((x) => x.code !== emote.code) } : l));
      } else if (alive.current) setProblem({ field: 'form', error: errorText(err) });
    } finally {
      if (alive.current) setBusy(false);
    }
  };

  const changeTier = async (emote: CustomEmote, tier: number) => {
    setBusy(true);
    setProblem(null);
    try {
      const next = await setEmoteTier(token, channel, emote.code, tier);
      if (alive.current && next) setList((l) => (l ? { ...l, emotes: l.emotes.map((x) => (x.code === next.code ? next : x)) } : l));
    } catch (err) {
      if (alive.current) setProblem({ field: 'form', error: errorText(err) });
    } finally {
      if (alive.current) setBusy(false);
    }
  };

  const limits = list?.limits;
  const used = list ? list.emotes.reduce((a, e) => a + e.bytes, 0) : 0;

  return (
    <section class="dash-card" id="emotes-panel" data-channel={channel} data-state={list ? 'ready' : 'loading'} data-count={list?.emotes.length ?? 0}>
      <h2>Emotes</h2>
      <p class="muted">
        Viewers write them in chat as <code>:code:</code>. They are usable at once; the node's operators may take down what breaks its rules.
      </p>
      {limits && list && (
        <p class="emote-limits" data-testid="emote-limits">
          <span data-testid="emote-count">
            {list.emotes.length} of {limits.max_emotes} emotes
          </span>{' '}
          · {formatKib(used)} of {formatKib(limits.max_total_bytes)} used · PNG up to {formatKib(limits.png_max_bytes)}, GIF up to {formatKib(limits.gif_max_bytes)} and{' '}
          {limits.max_frames} frames · square, {limits.min_side}–{limits.max_side} px a side
        </p>
      )}
      <form class="dash-form emote-upload" id="emote-upload-form" onSubmit={submit} noValidate>
        <div class="dash-row emote-upload-fields">
          <label>
            Code
            <input
              id="emote-code"
              data-testid="emote-code"
              value={code}
              maxLength={25}
              autoComplete="off"
              spellcheck={false}
              placeholder="novaHype"
              aria-invalid={problem?.field === 'code'}
              aria-describedby="emote-upload-error"
              onInput={(e) => setCode((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            Image (PNG or GIF)
            <input
              id="emote-file"
              data-testid="emote-file"
              type="file"
              ref={fileInput}
              accept="image/png,image/gif"
              aria-invalid={problem?.field === 'file'}
              aria-describedby="emote-upload-error"
              onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
            />
          </label>
          {preview && <img class="emote-preview" src={preview} alt="The chosen image" width={56} height={56} />}
        </div>
        {problem && (
          <p class="form-error" role="alert" id="emote-upload-error" data-testid="emote-upload-error" data-field={problem.field}>
            {problem.error}
          </p>
        )}
        {added && (
          <p class="form-ok" role="status" data-testid="emote-added">
            Added :{added}:.
          </p>
        )}
        <div class="dash-row">
          <button class="btn btn-primary" type="submit" id="emote-upload" data-testid="emote-upload" disabled={!list || busy}>
            {busy ? 'Uploading…' : 'Upload emote'}
          </button>
        </div>
      </form>
      {list && list.emotes.length === 0 && <p class="muted">No emotes yet.</p>}
      {list && list.emotes.length > 0 && (
        <table class="dash-table emote-table" id="emote-list">
          <thead>
            <tr>
              <th scope="col">Emote</th>
              <th scope="col">Code</th>
              <th scope="col">Size</th>
              <th scope="col">Format</th>
              <th scope="col">Added</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.emotes.map((e) => (
              <tr key={e.code} data-testid="emote-row" data-code={e.code}>
                <td>
                  <img class="emote-thumb" src={e.url} alt={`:${e.code}:`} width={28} height={28} loading="lazy" />
                </td>
                <th scope="row">
                  <code>:{e.code}:</code>
                </th>
                <td>
                  {formatKib(e.bytes)} <span class="muted">· {e.width}×{e.height}</span>
                </td>
                <td>
                  {e.format.toUpperCase()}
                  {e.format === 'gif' && e.frames > 1 && <span class="muted"> · {e.frames} frames</span>}
                </td>
                <td>
                  {e.added_at_ms > 0 ? formatDate(e.added_at_ms) : '–'}
                  {e.added_by && <span class="muted"> by {e.added_by}</span>}
                </td>
                <td>
                  {/* Sub emotes (docs/monetization.md): who may use it in chat. */}
                  <select aria-label={`Who may use :${e.code}:`} data-testid="emote-tier" value={e.tier ?? 0} disabled={busy} onChange={(ev) => void changeTier(e, Number((ev.target as HTMLSelectElement).value))}>
                    <option value={0}>Everyone</option>
                    <option value={1}>Tier 1 subs</option>
                    <option value={2}>Tier 2 subs</option>
                    <option value={3}>Tier 3 subs</option>
                  </select>{' '}
                  <button type="button" class="btn btn-small" data-testid="emote-delete" aria-label={`Delete :${e.code}:`} disabled={busy} onClick={() => void remove(e)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
