// The channel's bans: the list, an export (a JSON file the import reads, here or on another
// channel) and an import from a file (our export, a JSON array, or one name per line).
import { useState } from 'preact/hooks';
import { errorText } from '../engagement/api';
import { fetchBans, importBans, unban } from './api';
import { parseBanFile } from './model';
import { UserName } from './UserCard';
import { usePolled } from './usePolled';

export const BAN_IMPORT_MAX = 1000;

function saveJson(filename: string, value: unknown): void {
  const href = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 1000);
}

export function BanList({ channel, token, version, onOpenUser, onChanged }: { channel: string; token: string; version: number; onOpenUser: (u: string) => void; onChanged: () => void }) {
  const bans = usePolled(() => fetchBans(token, channel), 30_000, [channel, token, version]);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const exportBans = () => {
    const list = bans.data ?? [];
    saveJson(`${channel}-bans.json`, { channel, exported_at_ms: Date.now(), bans: list });
    setMessage({ error: false, text: `Exported ${list.length} ban${list.length === 1 ? '' : 's'}.` });
  };

  async function importFile(file: File) {
    setMessage(null);
    const { bans: list, skipped } = parseBanFile(await file.text(), BAN_IMPORT_MAX);
    if (list.length === 0) return setMessage({ error: true, text: 'No user names found in that file.' });
    setBusy(true);
    try {
      const r = await importBans(token, channel, list);
      const parts = [`Imported ${r.imported}`, `already banned ${r.already}`];
      if (r.unknown) parts.push(`no such account ${r.unknown}`);
      if (r.notAllowed) parts.push(`not allowed ${r.notAllowed}`);
      if (skipped) parts.push(`skipped ${skipped} invalid or duplicate`);
      setMessage({ error: false, text: `${parts.join(', ')}.` });
      bans.reload();
      onChanged();
    } catch (e) {
      setMessage({ error: true, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  async function lift(user: string) {
    setBusy(true);
    setMessage(null);
    try {
      await unban(token, channel, user);
      setMessage({ error: false, text: `Unbanned ${user}.` });
      bans.reload();
      onChanged();
    } catch (e) {
      setMessage({ error: true, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="dash-card mod-panel" id="ban-list" data-state={bans.data ? 'ready' : 'loading'} data-count={bans.data?.length ?? 0} aria-labelledby="bans-title">
      <h2 id="bans-title">Banned users {bans.data && <span class="mod-count">{bans.data.length}</span>}</h2>
      <div class="eng-row">
        <button type="button" class="btn btn-small" data-testid="bans-export" onClick={exportBans} disabled={!bans.data}>
          Export JSON
        </button>
        <label class="btn btn-small mod-file">
          Import…
          <input
            type="file"
            accept=".json,.txt,application/json,text/plain"
            data-testid="bans-import"
            disabled={busy}
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              const file = input.files?.[0];
              if (file) void importFile(file).finally(() => (input.value = ''));
            }}
          />
        </label>
      </div>
      {(message ?? (bans.error ? { error: true, text: bans.error } : null)) && (
        <p class={message?.error === false ? 'eng-note' : 'form-error'} role="status" data-testid="bans-message">
          {message?.text ?? bans.error}
        </p>
      )}
      {bans.data?.length === 0 && <p class="muted">Nobody is banned.</p>}
      <ul class="mod-list">
        {bans.data?.map((b) => (
          <li key={b.user} data-testid="ban-row" data-user={b.user}>
            <UserName user={b.user} onOpen={onOpenUser} />
            <span class="muted">
              {b.reason ? ` ${b.reason}` : ''}
              {b.by ? ` · by ${b.by}` : ''}
              {b.at_ms ? ` · ${new Date(b.at_ms).toLocaleDateString()}` : ''}
            </span>
            <button type="button" class="btn btn-small" data-testid="ban-lift" disabled={busy} onClick={() => lift(b.user)} aria-label={`Unban ${b.user}`}>
              Unban
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
