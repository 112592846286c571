// The channel page's Donate button: a dialog with amount presets, a message and "anonymous";
// sending opens a checkout and takes the viewer to its pay page (/pay/<cs>), which returns to
// the channel afterwards.
import { useState } from 'preact/hooks';
import { createTip } from './api';
import { formatAmount, parseAmountInput, TIP_MAX, TIP_MESSAGE_MAX, TIP_MIN, TIP_PRESETS } from './model';
import { goToCheckout, PurchaseActions, PurchaseButton } from './PurchaseButton';

export function DonateButton({ channel, currency = 'USD' }: { channel: string; currency?: string }) {
  return <PurchaseButton label="Donate" testid="donate-button" dialog={(token, close) => <DonateDialog channel={channel} token={token} currency={currency} onClose={close} />} />;
}

function DonateDialog({ channel, token, currency, onClose }: { channel: string; token: string; currency: string; onClose: () => void }) {
  const [amountText, setAmountText] = useState('5.00');
  const [message, setMessage] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const amount = parseAmountInput(amountText);
  const valid = amount !== null && amount >= TIP_MIN && amount <= TIP_MAX && [...message].length <= TIP_MESSAGE_MAX;

  const send = async (e: Event) => {
    e.preventDefault();
    if (!valid || amount === null) return;
    setBusy(true);
    setError(null);
    await goToCheckout(
      () => createTip(token, channel, { amount, message, anonymous }),
      (why) => {
        setError(why);
        setBusy(false);
      },
    );
  };

  return (
    <div class="donate-backdrop" role="dialog" aria-modal="true" aria-label={`Tip ${channel}`} data-testid="donate-dialog">
      <form class="donate-dialog" onSubmit={send}>
        <h2>Tip {channel}</h2>
        <div class="donate-presets">
          {TIP_PRESETS.map((p) => (
            <button type="button" key={p} class={`btn${amount === p ? ' active' : ''}`} data-testid="donate-preset" onClick={() => setAmountText((p / 100).toFixed(2))}>
              {formatAmount(p, currency)}
            </button>
          ))}
        </div>
        <label>
          Amount ({currency})
          <input data-testid="donate-amount" inputMode="decimal" value={amountText} onInput={(e) => setAmountText(e.currentTarget.value)} />
        </label>
        <label>
          Message
          <textarea data-testid="donate-message" maxLength={TIP_MESSAGE_MAX} rows={3} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
        </label>
        <label class="donate-check">
          <input type="checkbox" data-testid="donate-anonymous" checked={anonymous} onChange={(e) => setAnonymous(e.currentTarget.checked)} />
          Tip anonymously
        </label>
        {amount !== null && !valid && <p class="donate-error">A tip is {formatAmount(TIP_MIN, currency)} or more.</p>}
        <PurchaseActions error={error} onCancel={onClose} submitTestid="donate-submit" disabled={!valid || busy} busy={busy} label={`Tip ${amount !== null ? formatAmount(amount, currency) : ''}`} />
      </form>
    </div>
  );
}
