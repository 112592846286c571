// Dashboard: who may raid this channel (everyone, channels it follows, nobody) and the channels
// whose raids it refuses.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { fetchRaidSettings, normaliseTarget, parseRaidAccept, setRaidBlock, updateRaidAccept, type RaidSettings } from '../raidApi';
import './raid.css';
import { useAlive } from './useAlive';

const ACCEPT_OPTIONS = [
  { value: 'everyone', label: 'Anyone' },
  { value: 'followed', label: 'Channels I follow' },
  { value: 'nobody', label: 'Nobody' },
];

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');

export function RaidSettingsPanel({ channel, token }: { channel: string; token: string }) {
  const [settings, setSettings] = useState<RaidSettings | null>(null);
  const [other, setOther] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const alive = useAlive();

  useEffect(() => {
    fetchRaidSettings(token, channel)
      .then((s) => alive.current && setSettings(s))
      .catch((e) => alive.current && setError(errorText(e)));
  }, [token, channel]);

  async function change(call: (s: RaidSettings) => Promise<RaidSettings>): Promise<boolean> {
    if (!settings) return false;
    setBusy(true);
    setError(null);
    try {
      const next = await call(settings);
      if (alive.current) setSettings(next);
      return true;
    } catch (e) {
      if (alive.current) setError(errorText(e));
      return false;
    } finally {
      if (alive.current) setBusy(false);
    }
  }

  const block = async (e: Event) => {
    e.preventDefault();
    const name = normaliseTarget(other);
    if (!name) return;
    if (name === channel) return setError("A channel can't raid itself anyway.");
    const ok = await change(async (s) => ({ ...s, blocked: await setRaidBlock(token, channel, name, true, s.blocked) }));
    if (ok && alive.current) setOther('');
  };
  const unblock = (name: string) => change(async (s) => ({ ...s, blocked: await setRaidBlock(token, channel, name, false, s.blocked) }));

  return (
    <section class="dash-card" id="raid-settings" data-channel={channel} data-state={settings ? 'ready' : 'loading'}>
      <h2>Incoming raids</h2>
      <div class="dash-form">
        <label>
          Accept raids from
          <select
            data-testid="raid-accept"
            value={settings?.accept ?? 'everyone'}
            disabled={!settings || busy}
            onChange={(e) => {
              const accept = parseRaidAccept((e.target as HTMLSelectElement).value);
              void change((s) => updateRaidAccept(token, channel, accept, s));
            }}
          >
            {ACCEPT_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <div>
          <p class="muted">Channels whose raids you refuse:</p>
          {settings && settings.blocked.length === 0 && <p class="muted">None.</p>}
          <ul class="raid-blocked" id="raid-blocked">
            {settings?.blocked.map((name) => (
              <li key={name} data-testid="raid-blocked-item" data-channel={name}>
                {name}
                <button type="button" class="btn" data-testid="raid-unblock" aria-label={`Allow raids from ${name}`} disabled={busy} onClick={() => void unblock(name)}>
                  ✕
                </button>
              </li>
            ))}
          </ul>
        </div>
        <form class="dash-row" id="raid-block-form" onSubmit={block}>
          <input data-testid="raid-block-input" aria-label="Channel to refuse raids from" placeholder="Channel name" maxLength={64} value={other} onInput={(e) => setOther((e.target as HTMLInputElement).value)} />
          <button type="submit" class="btn" data-testid="raid-block-add" disabled={!settings || busy || !normaliseTarget(other)}>
            Refuse raids
          </button>
        </form>
        {error && (
          <p class="form-error" role="alert" data-testid="raid-settings-error">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
