// The channel page's Subscribe button: a tier chooser that starts a checkout and goes to the pay
// page (which comes back here), or, for a subscriber, "Subscribed (tier, months)" with Cancel
// (at the period's end) and Resume. The chooser also gifts subs to random followers. The
// channel's owner sees nothing: one cannot subscribe to oneself.
import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { hasAccount, useSession } from '../auth';
import { fetchTiers, formatPrice, giftSubs, setCancel, statusLine, subscribe, type SubTiers } from './subsApi';
import { useMySub } from './useMySub';
import './subs.css';

const date = (ms: number | null) => (ms === null ? '' : new Date(ms).toLocaleDateString());

export function SubscribeButton({ channel, owner }: { channel: string; owner?: string }) {
  const session = useSession();
  if (session && session.username === owner) return null;
  if (!hasAccount(session))
    return session ? null : (
      <a id="subscribe-button" class="btn" href="/login">
        Subscribe
      </a>
    );
  return <SubscribeControls key={session.token} channel={channel} token={session.token} />;
}

function SubscribeControls({ channel, token }: { channel: string; token: string }) {
  const [status, setStatus] = useMySub(channel);
  const [tiers, setTiers] = useState<SubTiers | null>(null);
  const [open, setOpen] = useState(false);
  const [gift, setGift] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Something went wrong');
    } finally {
      setBusy(false);
    }
  };

  const choose = () => {
    setOpen((o) => !o);
    if (!tiers)
      fetchTiers(channel)
        .then(setTiers)
        .catch(() => setError('Cannot read the tiers'));
  };
  const chooser = open && tiers && (
    <div class="sub-tiers" role="group" aria-label="Subscription tiers">
      {tiers.tiers
        .filter((t) => t.enabled)
        .map((t) => (
          <button
            type="button"
            class="btn sub-tier"
            data-tier={t.id}
            // A subscriber may gift any tier, or upgrade to a higher one (a new period from now).
            disabled={busy || (status?.subscribed === true && gift === 0 && t.tier <= status.tier)}
            onClick={() => run(async () => window.location.assign(gift > 0 ? await giftSubs(channel, token, t.id, gift) : await subscribe(channel, token, t.id)))}
          >
            {t.name} <span class="sub-price">{gift > 0 ? `${gift} × ${formatPrice(t.price, tiers.currency)}` : `${formatPrice(t.price, tiers.currency)}/month`}</span>
          </button>
        ))}
      <label class="sub-gift">
        Gift to random followers:{' '}
        <input type="number" min={0} max={100} value={gift} aria-label="Number of gifted subscriptions" onInput={(e) => setGift(Math.max(0, Math.min(100, Math.floor(Number((e.target as HTMLInputElement).value) || 0))))} />
      </label>
    </div>
  );

  if (status?.subscribed)
    return (
      <div class="subscribe" data-testid="subscribed">
        <span class="sub-status" id="sub-status">
          {statusLine(status)}
        </span>
        <span class="sub-when">
          {status.renewsAtMs !== null ? `renews ${date(status.renewsAtMs)}` : `ends ${date(status.endsAtMs)}`}
        </span>
        <button
          type="button"
          class="btn"
          id="sub-cancel"
          disabled={busy}
          onClick={() => run(async () => setStatus(await setCancel(channel, token, !status.cancelAtPeriodEnd)))}
        >
          {status.cancelAtPeriodEnd ? 'Resume' : 'Cancel'}
        </button>
        <button
          type="button"
          class="btn"
          id="sub-gift"
          aria-expanded={open}
          onClick={() => {
            choose();
          }}
        >
          Upgrade or gift
        </button>
        {chooser}
        {error && <span class="form-error">{error}</span>}
      </div>
    );

  return (
    <div class="subscribe">
      <button type="button" class="btn btn-primary" id="subscribe-button" aria-expanded={open} onClick={choose}>
        Subscribe
      </button>
      {chooser}
      {error && <span class="form-error">{error}</span>}
    </div>
  );
}
