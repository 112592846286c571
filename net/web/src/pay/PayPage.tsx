// /pay/<cs>: the payer confirms a purchase (a subscription, a tip, a gift) with a card. In the
// sandbox the card is one of Stripe's test cards (/payments/test-cards); 3-D Secure shows a
// dialog like Stripe's test page. After the outcome, a link goes back where the purchase began.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { hasAccount, useSession } from '../auth';
import { formatAmount } from '../tips/model';
import { cardBrand, cardDigits, cardProblem, formatCardNumber, formatExpiry, parseExpiry } from './cardFields';
import { authenticateCheckout, fetchCheckout, payCheckout, type CheckoutView, type PayResult } from './payApi';
import './pay.css';

export function PayPage({ checkout }: { checkout: string }) {
  const session = useSession();
  if (!hasAccount(session))
    return (
      <main class="pay-page">
        <p>
          <a href="/login">Log in</a> to pay.
        </p>
      </main>
    );
  return <PayForm key={`${session.token}/${checkout}`} token={session.token} cs={checkout} />;
}

function PayForm({ token, cs }: { token: string; cs: string }) {
  const [view, setView] = useState<CheckoutView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [number, setNumber] = useState('');
  const [expiry, setExpiry] = useState('');
  const [cvc, setCvc] = useState('');
  const [save, setSave] = useState(true);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [result, setResult] = useState<PayResult | null>(null);
  const [challenge, setChallenge] = useState(false);

  useEffect(() => {
    fetchCheckout(token, cs)
      .then((v) => {
        setView(v);
        if (v.status === 'complete') setResult({ status: 'succeeded', payment: v.payment ?? undefined });
        if (v.status === 'requires_action') setChallenge(true);
      })
      .catch((e) => setLoadError(e instanceof ApiError ? e.message : 'The checkout could not be loaded.'));
  }, [token, cs]);

  const run = async (work: () => Promise<PayResult>) => {
    setBusy(true);
    setProblem(null);
    try {
      const r = await work();
      setChallenge(r.status === 'requires_action');
      setResult(r.status === 'requires_action' ? null : r);
    } catch (e) {
      setProblem(e instanceof ApiError ? e.message : 'Something went wrong; try again.');
    } finally {
      setBusy(false);
    }
  };

  const submit = (ev: Event) => {
    ev.preventDefault();
    const wrong = cardProblem(number, expiry, cvc);
    if (wrong) return setProblem(wrong);
    const exp = parseExpiry(expiry)!;
    setResult(null);
    void run(() => payCheckout(token, cs, { number: cardDigits(number), month: exp.month, year: exp.year, cvc, save: view?.saveMethod === true && save }));
  };

  if (loadError)
    return (
      <main class="pay-page">
        <p class="pay-error">{loadError}</p>
      </main>
    );
  if (!view)
    return (
      <main class="pay-page">
        <p>Loading…</p>
      </main>
    );
  const paid = result?.status === 'succeeded';
  return (
    <main class="pay-page">
      <section class="pay-card">
        <p class="pay-description">{view.description || 'Payment'}</p>
        <p class="pay-amount">{formatAmount(view.amount, view.currency)}</p>
        {view.status === 'expired' && !paid ? (
          <p class="pay-error">This checkout has expired. Go back and start again.</p>
        ) : paid ? null : (
          <form class="pay-form" onSubmit={submit}>
            <label>
              Card number <span class="pay-brand">{cardBrand(number)}</span>
              <input
                data-testid="pay-card-number"
                inputMode="numeric"
                autoComplete="cc-number"
                placeholder="4242 4242 4242 4242"
                value={number}
                onInput={(e) => setNumber(formatCardNumber((e.target as HTMLInputElement).value))}
              />
            </label>
            <div class="pay-row">
              <label>
                Expiry
                <input
                  data-testid="pay-exp"
                  inputMode="numeric"
                  autoComplete="cc-exp"
                  placeholder="MM/YY"
                  value={expiry}
                  onInput={(e) => setExpiry(formatExpiry((e.target as HTMLInputElement).value))}
                />
              </label>
              <label>
                CVC
                <input
                  data-testid="pay-cvc"
                  inputMode="numeric"
                  autoComplete="cc-csc"
                  placeholder="123"
                  maxLength={4}
                  value={cvc}
                  onInput={(e) => setCvc((e.target as HTMLInputElement).value.replace(/\D/g, '').slice(0, 4))}
                />
              </label>
            </div>
            {view.saveMethod && (
              <label class="pay-save">
                <input data-testid="pay-save" type="checkbox" checked={save} onChange={(e) => setSave((e.target as HTMLInputElement).checked)} />
                Save this card for renewals
              </label>
            )}
            <button data-testid="pay-submit" class="btn btn-primary" type="submit" disabled={busy || challenge}>
              {busy ? 'Paying…' : `Pay ${formatAmount(view.amount, view.currency)}`}
            </button>
            {problem && <p class="pay-error">{problem}</p>}
            <p class="pay-hint">
              Test mode: use a <a href="/payments/test-cards">test card</a>.
            </p>
          </form>
        )}
        {result && (
          <div data-testid="pay-result" class={`pay-result ${paid ? 'ok' : 'failed'}`} data-status={result.status}>
            {paid ? <p>Payment succeeded. Thank you!</p> : <p>{result.message ?? 'The payment failed.'}</p>}
            {!paid && result.message?.includes('/payments/test-cards') && (
              <p>
                <a href="/payments/test-cards">See the test cards</a>
              </p>
            )}
            {!paid && result.code && <p class="pay-code">{result.code}</p>}
          </div>
        )}
        <p>
          <a data-testid="pay-return" href={view.returnPath}>
            {paid ? 'Continue' : 'Cancel and go back'}
          </a>
        </p>
      </section>
      {challenge && (
        <div class="pay-3ds-backdrop" role="dialog" aria-modal="true" aria-label="3-D Secure authentication">
          <div class="pay-3ds">
            <p class="pay-3ds-title">3D Secure 2 Test Page</p>
            <p>This is a test authentication of your card for {formatAmount(view.amount, view.currency)}. Complete or fail it.</p>
            <div class="pay-3ds-buttons">
              <button data-testid="pay-3ds-approve" class="btn btn-primary" disabled={busy} onClick={() => void run(() => authenticateCheckout(token, cs, true))}>
                Complete authentication
              </button>
              <button data-testid="pay-3ds-fail" class="btn" disabled={busy} onClick={() => void run(() => authenticateCheckout(token, cs, false))}>
                Fail authentication
              </button>
            </div>
          </div>
        </div>
      )}
    </main>
  );
}
