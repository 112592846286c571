// Dashboard: raid another live channel. Start sends the viewers a 90 s countdown; meanwhile the
// panel shows it with "Raid now" and "Cancel". While counting down the raid is re-read every
// few seconds, so the panel learns when the server carried it out.
import { useEffect, useState } from 'preact/hooks';
import { cancelRaid, fetchRaid, normaliseTarget, raidErrorText, raidNow, secondsLeft, startRaid, formatCountdown, type Raid } from '../raidApi';
import { channelPath } from '../router';
import { useNow } from './useNow';
import './raid.css';
import { useAlive } from './useAlive';

export const RAID_POLL_MS = 5000;

export function RaidPanel({ channel, token }: { channel: string; token: string }) {
  // undefined while loading.
  const [raid, setRaid] = useState<Raid | null | undefined>(undefined);
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const alive = useAlive();
  const counting = raid?.state === 'countdown';
  const now = useNow(counting);

  useEffect(() => {
    fetchRaid(token, channel)
      .then((r) => alive.current && setRaid(r))
      .catch(() => alive.current && setRaid(null));
  }, [token, channel]);

  // The server carries the raid out at go_at_ms: re-read it until it is no longer counting down.
  useEffect(() => {
    if (!counting) return;
    const t = setInterval(() => {
      fetchRaid(token, channel)
        .then((r) => {
          if (!alive.current) return;
          // Gone from the answer after its time: it went (before its time: cancelled elsewhere).
          setRaid((cur) => r ?? (cur && secondsLeft(cur.go_at_ms, Date.now()) === 0 ? { ...cur, state: 'done' } : null));
        })
        .catch(() => undefined);
    }, RAID_POLL_MS);
    return () => clearInterval(t);
  }, [counting, token, channel]);

  async function run(call: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await call();
    } finally {
      if (alive.current) setBusy(false);
    }
  }

  const start = (e: Event) => {
    e.preventDefault();
    const name = normaliseTarget(target);
    if (!name) return;
    if (name === channel) return setError("A channel can't raid itself.");
    void run(async () => {
      try {
        const r = await startRaid(token, channel, name);
        if (alive.current) setRaid(r);
      } catch (err) {
        if (alive.current) setError(raidErrorText(err, name));
      }
    });
  };
  const goNow = () =>
    run(async () => {
      try {
        const r = await raidNow(token, channel);
        if (alive.current) setRaid((cur) => r ?? (cur ? { ...cur, state: 'done' } : null));
      } catch (err) {
        if (alive.current) setError(raidErrorText(err, raid?.target));
      }
    });
  const cancel = () =>
    run(async () => {
      try {
        await cancelRaid(token, channel);
        if (alive.current) setRaid(null);
      } catch (err) {
        if (alive.current) setError(raidErrorText(err));
      }
    });

  const state = raid === undefined ? 'loading' : raid === null ? 'idle' : counting ? 'countdown' : 'done';
  return (
    <section class="dash-card" id="raid-panel" data-channel={channel} data-state={state}>
      <h2>Raid</h2>
      {counting && raid ? (
        <div class="dash-form">
          <p class="raid-countdown" data-testid="raid-countdown" data-target={raid.target} data-seconds={secondsLeft(raid.go_at_ms, now)}>
            Raiding <a href={channelPath(raid.target)}>{raid.target}</a> with {raid.viewers} viewer{raid.viewers === 1 ? '' : 's'} in{' '}
            {formatCountdown(secondsLeft(raid.go_at_ms, now))}
          </p>
          <div class="dash-row">
            <button type="button" class="btn btn-primary" data-testid="raid-now" disabled={busy} onClick={goNow}>
              Raid now
            </button>
            <button type="button" class="btn" data-testid="raid-cancel" disabled={busy} onClick={cancel}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <form class="dash-form" id="raid-form" onSubmit={start}>
          {raid && (
            <p class="form-ok" data-testid="raid-done">
              Raided <a href={channelPath(raid.target)}>{raid.target}</a>.
            </p>
          )}
          <p class="muted">Send your viewers to another live channel when you wrap up. They see a 90 s countdown first.</p>
          <div class="dash-row">
            <input
              data-testid="raid-target"
              aria-label="Channel to raid"
              placeholder="Channel to raid"
              maxLength={64}
              value={target}
              onInput={(e) => setTarget((e.target as HTMLInputElement).value)}
            />
            <button type="submit" class="btn btn-primary" data-testid="raid-start" disabled={busy || state === 'loading' || !normaliseTarget(target)}>
              Start raid
            </button>
          </div>
        </form>
      )}
      {error && (
        <p class="form-error" role="alert" data-testid="raid-error">
          {error}
        </p>
      )}
    </section>
  );
}
