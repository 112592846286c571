// The channel page's Gift button: buy a bundle of channel points, one of the channel's emotes or
// a badge for another viewer; like a tip, it opens a checkout and goes to its pay page. Sub gifts
// are the Subscribe chooser's (net/web/src/subs/).
import { useState } from 'preact/hooks';
import { createGift, type GiftOrder } from './api';
import { formatAmount, giftPrice, GIFT_POINTS_MAX, GIFT_POINTS_MIN } from './model';
import { goToCheckout, PurchaseActions, PurchaseButton } from './PurchaseButton';

type Item = GiftOrder['item'];
type Badge = 'supporter' | 'heart' | 'star';

export function GiftButton({ channel, currency = 'USD' }: { channel: string; currency?: string }) {
  return <PurchaseButton label="Gift" testid="gift-button" dialog={(token, close) => <GiftDialog channel={channel} token={token} currency={currency} onClose={close} />} />;
}

function GiftDialog({ channel, token, currency, onClose }: { channel: string; token: string; currency: string; onClose: () => void }) {
  const [item, setItem] = useState<Item>('points');
  const [to, setTo] = useState('');
  const [points, setPoints] = useState(GIFT_POINTS_MIN);
  const [code, setCode] = useState('');
  const [badge, setBadge] = useState<Badge>('supporter');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const price = giftPrice(item, points);
  const recipient = to.trim();
  const valid = price !== null && recipient.length > 0 && (item !== 'emote' || code.trim().length > 0);

  const order = (): GiftOrder =>
    item === 'points' ? { item, to: recipient, points } : item === 'emote' ? { item, to: recipient, code: code.trim() } : { item, to: recipient, badge };

  const send = async (e: Event) => {
    e.preventDefault();
    if (!valid) return;
    setBusy(true);
    setError(null);
    await goToCheckout(
      () => createGift(token, channel, order()),
      (message) => {
        setError(message);
        setBusy(false);
      },
    );
  };

  return (
    <div class="donate-backdrop" role="dialog" aria-modal="true" aria-label={`Gift on ${channel}`} data-testid="gift-dialog">
      <form class="donate-dialog" onSubmit={send}>
        <h2>Send a gift</h2>
        <label>
          To (username)
          <input data-testid="gift-to" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <label>
          Gift
          <select data-testid="gift-item" value={item} onChange={(e) => setItem(e.currentTarget.value as Item)}>
            <option value="points">Channel points</option>
            <option value="emote">An emote of {channel}</option>
            <option value="badge">A badge</option>
          </select>
        </label>
        {item === 'points' && (
          <label>
            Points
            <input type="number" data-testid="gift-points" min={GIFT_POINTS_MIN} max={GIFT_POINTS_MAX} step={1000} value={points} onInput={(e) => setPoints(Number(e.currentTarget.value))} />
          </label>
        )}
        {item === 'emote' && (
          <label>
            Emote code
            <input data-testid="gift-emote" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </label>
        )}
        {item === 'badge' && (
          <label>
            Badge
            <select data-testid="gift-badge" value={badge} onChange={(e) => setBadge(e.currentTarget.value as Badge)}>
              <option value="supporter">Supporter</option>
              <option value="heart">Heart</option>
              <option value="star">Star</option>
            </select>
          </label>
        )}
        {price === null && <p class="donate-error">Points come in bundles of 1,000 up to 100,000.</p>}
        <PurchaseActions error={error} onCancel={onClose} submitTestid="gift-submit" disabled={!valid || busy} busy={busy} label={`Gift ${price !== null ? formatAmount(price, currency) : ''}`} />
      </form>
    </div>
  );
}
