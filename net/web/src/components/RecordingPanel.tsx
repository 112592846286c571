// Dashboard: whether the channel's streams are recorded as VODs, and for how many days they are
// kept (the server removes older ones).
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import {
  RETENTION_MAX_DAYS,
  RETENTION_MIN_DAYS,
  fetchRecordingSettings,
  updateRecordingSettings,
  type RecordingSettings,
} from '../vodApi';
import { useAlive } from './useAlive';

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');

export function RecordingPanel({ channel, token }: { channel: string; token: string }) {
  const [settings, setSettings] = useState<RecordingSettings | null>(null);
  const [days, setDays] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const alive = useAlive();

  const show = (s: RecordingSettings) => {
    setSettings(s);
    setDays(s.vod_retention_days > 0 ? String(s.vod_retention_days) : '');
  };

  useEffect(() => {
    fetchRecordingSettings(channel, token)
      .then((s) => alive.current && show(s))
      .catch((e) => alive.current && setStatus({ ok: false, text: errorText(e) }));
  }, [channel, token]);

  async function save(change: Partial<RecordingSettings>) {
    setBusy(true);
    setStatus(null);
    try {
      const s = await updateRecordingSettings(token, channel, change);
      if (!alive.current) return;
      show(s);
      setStatus({ ok: true, text: 'Saved.' });
    } catch (e) {
      if (alive.current) setStatus({ ok: false, text: errorText(e) });
    } finally {
      if (alive.current) setBusy(false);
    }
  }

  const saveDays = (e: Event) => {
    e.preventDefault();
    const n = Number(days);
    if (!Number.isInteger(n) || n < RETENTION_MIN_DAYS || n > RETENTION_MAX_DAYS)
      return setStatus({ ok: false, text: `Keep videos for ${RETENTION_MIN_DAYS}–${RETENTION_MAX_DAYS} days.` });
    void save({ vod_retention_days: n });
  };

  return (
    <section class="dash-card" id="recording" data-channel={channel} data-state={settings ? 'ready' : 'loading'}>
      <h2>Recording</h2>
      <form class="dash-form" id="recording-form" onSubmit={saveDays} noValidate>
        <label class="dash-check">
          <input
            type="checkbox"
            id="record-toggle"
            checked={settings?.record ?? false}
            disabled={!settings || busy}
            onChange={(e) => void save({ record: (e.target as HTMLInputElement).checked })}
          />
          Record my streams (past broadcasts appear under Videos on the channel page)
        </label>
        <label>
          Keep videos for (days)
          <div class="dash-row">
            <input
              id="retention-days"
              type="number"
              min={RETENTION_MIN_DAYS}
              max={RETENTION_MAX_DAYS}
              step={1}
              value={days}
              disabled={!settings}
              onInput={(e) => setDays((e.target as HTMLInputElement).value)}
            />
            <button class="btn" type="submit" id="retention-save" disabled={!settings || busy}>
              Save
            </button>
          </div>
        </label>
        {status && (
          <p class={status.ok ? 'form-ok' : 'form-error'} id="recording-status" role="status">
            {status.text}
          </p>
        )}
      </form>
    </section>
  );
}
