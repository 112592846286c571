// The org's shared emotes on its manage page: the list with delete, and an upload (code + PNG/GIF
// file). The same client-side checks as a channel's emotes (the server stays the judge); usable
// in the chat of every org channel.
import { useEffect, useState } from 'preact/hooks';
import { checkUpload, formatKib, sniffFormat, type EmoteList } from '../../chat/customEmotes';
import * as api from './api';

export function OrgEmotes({ slug, token }: { slug: string; token: string }) {
  const [list, setList] = useState<EmoteList | null>(null);
  const [code, setCode] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = () => api.fetchOrgEmotes(slug).then(setList, (e: Error) => setError(e.message));
  useEffect(() => {
    void reload();
  }, [slug]);

  const run = async (f: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await f();
      await reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const upload = async () => {
    if (!list || !file) return setError('Choose a PNG or GIF file.');
    const format = sniffFormat(new Uint8Array(await file.slice(0, 8).arrayBuffer()));
    const check = checkUpload({ code, size: file.size, format }, list);
    if (!check.ok) return setError(check.error);
    await run(async () => {
      await api.uploadOrgEmote(token, slug, code, file);
      setCode('');
    });
  };

  return (
    <div class="org-emotes" id="org-emotes">
      <h3>Shared emotes</h3>
      {error && (
        <p class="error" id="org-emotes-error">
          {error}
        </p>
      )}
      <ul id="org-emotes-list">
        {list?.emotes.map((e) => (
          <li key={e.code}>
            <img src={e.url} alt={`:${e.code}:`} width={28} height={28} /> <code>:{e.code}:</code> {formatKib(e.bytes)}{' '}
            <button disabled={busy} onClick={() => run(() => api.deleteOrgEmote(token, slug, e.code))}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      {list && list.emotes.length === 0 && <p>No shared emotes yet.</p>}
      <input placeholder="code" value={code} onInput={(e) => setCode((e.target as HTMLInputElement).value)} id="org-emotes-code" />
      <input type="file" accept="image/png,image/gif" onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} id="org-emotes-file" />
      <button disabled={busy} onClick={() => void upload()}>
        Upload
      </button>
    </div>
  );
}
