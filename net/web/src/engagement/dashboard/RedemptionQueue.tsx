// Dashboard: redemptions waiting to be fulfilled, oldest first; Fulfil, or Cancel (refunds the
// viewer). New ones arrive as `redemption` frames of the room; the queue is also read every 15 s.
import { useEffect, useState } from 'preact/hooks';
import { useAlive } from '../../components/useAlive';
import { errorText, fetchRedemptions, setRedemption } from '../api';
import type { Redemption } from '../model';

export const REDEMPTIONS_REFRESH_MS = 15_000;

export function RedemptionQueue({ channel, token, version }: { channel: string; token: string; version: number }) {
  const [items, setItems] = useState<Redemption[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const alive = useAlive();

  useEffect(() => {
    const read = () =>
      fetchRedemptions(token, channel)
        .then((r) => alive.current && setItems(r))
        .catch((e) => alive.current && setError(errorText(e)));
    void read();
    const t = setInterval(() => void read(), REDEMPTIONS_REFRESH_MS);
    return () => clearInterval(t);
  }, [channel, token, version]);

  async function decide(r: Redemption, status: 'fulfilled' | 'canceled') {
    setBusy(r.id);
    setError(null);
    try {
      await setRedemption(token, channel, r.id, status);
      if (alive.current) setItems((list) => (list ?? []).filter((x) => x.id !== r.id));
    } catch (e) {
      if (alive.current) setError(errorText(e));
    } finally {
      if (alive.current) setBusy(null);
    }
  }

  return (
    <section class="dash-card" id="redemption-queue" data-count={items?.length ?? 0} aria-labelledby="redemptions-title">
      <h2 id="redemptions-title">Redemption queue</h2>
      {items?.length === 0 && <p class="muted">Nothing to fulfil.</p>}
      <ul class="mod-list" aria-live="polite">
        {items?.map((r) => (
          <li key={r.id} class="mod-item" data-testid="redemption-row" data-id={r.id} data-user={r.user}>
            <div>
              <strong class="mod-user">{r.user}</strong> {r.reward_title}
              {r.input && <span class="mod-text"> — “{r.input}”</span>}
            </div>
            <div class="mod-item-meta muted">{r.at_ms ? new Date(r.at_ms).toLocaleTimeString() : ''}</div>
            <div class="mod-item-actions">
              <button type="button" class="btn btn-small btn-primary" data-testid="redemption-fulfil" disabled={busy === r.id} onClick={() => decide(r, 'fulfilled')}>
                Fulfil
              </button>
              <button type="button" class="btn btn-small" data-testid="redemption-cancel" disabled={busy === r.id} onClick={() => decide(r, 'canceled')}>
                Cancel (refund)
              </button>
            </div>
          </li>
        ))}
      </ul>
      {error && (
        <p class="form-error" role="alert" data-testid="redemption-error">
          {error}
        </p>
      )}
    </section>
  );
}
