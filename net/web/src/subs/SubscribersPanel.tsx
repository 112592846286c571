// Dashboard: the channel's subscribers (live ones first, with tier, months, status and when they
// renew or end, and who gifted them) and the tier editor (name, monthly price, on/off).
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { formatDate } from '../format';
import { fetchSubscribers, fetchTiers, formatPrice, saveTiers, type SubStatus, type SubTiers } from './subsApi';
import './subs.css';

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : 'Could not reach the server.');

export function SubscribersPanel({ channel, token }: { channel: string; token: string }) {
  const [subs, setSubs] = useState<SubStatus[] | null>(null);
  const [tiers, setTiers] = useState<SubTiers | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    let live = true;
    fetchSubscribers(channel, token)
      .then((s) => live && setSubs(s))
      .catch((e) => live && setError(errorText(e)));
    fetchTiers(channel)
      .then((t) => live && setTiers(t))
      .catch((e) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [channel, token]);

  const edit = (i: number, change: Partial<SubTiers['tiers'][number]>) => {
    if (!tiers) return;
    setSaved(false);
    setTiers({ ...tiers, tiers: tiers.tiers.map((t, j) => (j === i ? { ...t, ...change } : t)) });
  };
  const save = (e: Event) => {
    e.preventDefault();
    if (!tiers) return;
    setError(null);
    saveTiers(channel, token, tiers.tiers)
      .then((t) => {
        setTiers(t);
        setSaved(true);
      })
      .catch((err) => setError(errorText(err)));
  };

  const active = subs?.filter((s) => s.subscribed).length ?? 0;
  return (
    <section class="dash-card subs-panel" id="subscribers-panel">
      <h3>Tiers</h3>
      {tiers && (
        <form class="subs-tier-editor" onSubmit={save} aria-label="Subscription tiers">
          {tiers.tiers.map((t, i) => (
            <>
              <label for={`tier-name-${t.tier}`}>Tier {t.tier}</label>
              <input id={`tier-name-${t.tier}`} value={t.name} maxLength={40} onInput={(e) => edit(i, { name: (e.target as HTMLInputElement).value })} />
              <input
                aria-label={`Tier ${t.tier} price in ${tiers.currency}`}
                type="number"
                min={1}
                max={1000}
                step="0.01"
                value={(t.price / 100).toFixed(2)}
                onChange={(e) => edit(i, { price: Math.round(Number((e.target as HTMLInputElement).value) * 100) })}
              />
              <label>
                <input type="checkbox" checked={t.enabled} onChange={(e) => edit(i, { enabled: (e.target as HTMLInputElement).checked })} /> offered
              </label>
            </>
          ))}
          <button type="submit" class="btn btn-primary">
            Save tiers
          </button>
          {saved && <span role="status">Saved</span>}
        </form>
      )}
      {error && <p class="form-error">{error}</p>}
      <h3>Subscribers ({active})</h3>
      {subs && subs.length === 0 && <p>No subscribers yet.</p>}
      {subs && subs.length > 0 && (
        <table class="subs-table" data-testid="subscribers">
          <thead>
            <tr>
              <th>User</th>
              <th>Tier</th>
              <th>Months</th>
              <th>Status</th>
              <th>Renews / ends</th>
              <th>Gifted by</th>
            </tr>
          </thead>
          <tbody>
            {subs.map((s) => (
              <tr>
                <td>{s.user}</td>
                <td>{s.tierName || s.tier}</td>
                <td>{s.months}</td>
                <td>{s.cancelAtPeriodEnd && s.subscribed ? 'canceled' : s.status.replace('_', ' ')}</td>
                <td>{s.renewsAtMs !== null ? `renews ${formatDate(s.renewsAtMs)}` : s.endsAtMs !== null ? `ends ${formatDate(s.endsAtMs)}` : ''}</td>
                <td>{s.giftedBy ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tiers && <p class="muted">Prices are monthly, in {tiers.currency}: {tiers.tiers.map((t) => `${t.name} ${formatPrice(t.price, tiers.currency)}`).join(', ')}.</p>}
    </section>
  );
}
