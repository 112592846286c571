// The viewer's channel points under the chat: the balance (GET points/me now and every 60 s
// while the page is visible, and after anything that spends points), the bonus "claim" button
// when one is available, and the channel's rewards with redeem (asking for the text when the
// reward wants one).
import { useEffect, useState } from 'preact/hooks';
import { useAlive } from '../components/useAlive';
import { claimBonus, errorText, fetchPoints, fetchRewards, redeemReward } from './api';
import { formatPoints } from './math';
import type { Points, Reward } from './model';
import { checkRedeemInput, REDEEM_INPUT_MAX } from './validate';

export const POINTS_REFRESH_MS = 60_000;

export interface PointsWidgetProps {
  channel: string;
  token: string;
  /** Changes whenever something spent or refunded points: the balance is read again. */
  version: number;
  onBalance?: (balance: number | null) => void;
}

export function PointsWidget({ channel, token, version, onBalance }: PointsWidgetProps) {
  const [points, setPoints] = useState<Points | null>(null);
  const [open, setOpen] = useState(false);
  const [rewards, setRewards] = useState<Reward[] | null>(null);
  const [asking, setAsking] = useState<Reward | null>(null);
  const [input, setInput] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const alive = useAlive();

  const apply = (p: Points) => {
    if (!alive.current) return;
    setPoints(p);
    onBalance?.(p.balance);
  };
  const refresh = () =>
    fetchPoints(token, channel)
      .then(apply)
      .catch(() => undefined);

  // Now, every minute while the page is visible, on coming back to it, and after spending.
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, POINTS_REFRESH_MS);
    const onVisible = () => document.visibilityState === 'visible' && void refresh();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [channel, token, version]);

  useEffect(() => {
    if (!open) return;
    fetchRewards(channel, token)
      .then((r) => alive.current && setRewards(r))
      .catch((e) => alive.current && setMessage({ error: true, text: errorText(e) }));
  }, [open, channel, token]);

  async function run(call: () => Promise<string>) {
    setBusy(true);
    setMessage(null);
    try {
      const text = await call();
      if (alive.current) setMessage({ error: false, text });
    } catch (e) {
      if (alive.current) setMessage({ error: true, text: errorText(e) });
    } finally {
      if (alive.current) setBusy(false);
    }
  }

  const claim = () =>
    run(async () => {
      apply(await claimBonus(token, channel));
      return 'Bonus claimed!';
    });

  const redeem = (r: Reward, text?: string) =>
    run(async () => {
      await redeemReward(token, channel, r.id, text);
      setAsking(null);
      setInput('');
      void refresh();
      return `Redeemed ${r.title}.`;
    });

  const submitInput = (e: Event) => {
    e.preventDefault();
    if (!asking) return;
    const problem = checkRedeemInput(input, asking.user_input);
    if (problem) return setMessage({ error: true, text: problem });
    void redeem(asking, input.trim());
  };

  const balance = points?.balance ?? null;
  return (
    <section class="points-widget" id="points-widget" data-state={points ? 'ready' : 'loading'} aria-label="Channel points">
      <div class="points-row">
        <button
          type="button"
          class="points-balance"
          data-testid="points-balance"
          data-balance={balance ?? undefined}
          aria-expanded={open}
          aria-controls="rewards-panel"
          onClick={() => setOpen((o) => !o)}
          title="Channel points: rewards"
        >
          🪙 {balance === null ? '…' : formatPoints(balance)}
        </button>
        {points?.claim_available && (
          <button type="button" class="btn btn-small btn-primary points-claim" data-testid="points-claim" onClick={claim} disabled={busy}>
            Claim bonus
          </button>
        )}
      </div>
      {open && (
        <div class="rewards-panel" id="rewards-panel">
          <h3 class="eng-kind">Rewards</h3>
          {rewards === null && <p class="muted">Loading…</p>}
          {rewards?.length === 0 && <p class="muted" data-testid="rewards-empty">This channel has no rewards yet.</p>}
          <ul class="rewards-list" id="rewards-list">
            {rewards
              ?.filter((r) => r.enabled)
              .map((r) => (
                <li key={r.id} data-testid="reward" data-reward-id={r.id}>
                  <span class="reward-title">{r.title}</span>
                  <button
                    type="button"
                    class="btn btn-small"
                    data-testid="reward-redeem"
                    disabled={busy || (balance !== null && balance < r.cost)}
                    onClick={() => (r.user_input ? (setAsking(r), setInput('')) : void redeem(r))}
                    aria-label={`Redeem ${r.title} for ${r.cost} points`}
                  >
                    🪙 {formatPoints(r.cost)}
                  </button>
                </li>
              ))}
          </ul>
          {asking && (
            <form class="reward-input-form" onSubmit={submitInput}>
              <label class="eng-label">
                {asking.prompt || `Message for ${asking.title}`}
                <input
                  class="eng-input"
                  data-testid="reward-input"
                  maxLength={REDEEM_INPUT_MAX}
                  value={input}
                  onInput={(e) => setInput((e.target as HTMLInputElement).value)}
                />
              </label>
              <div class="eng-row">
                <button type="submit" class="btn btn-small btn-primary" data-testid="reward-submit" disabled={busy}>
                  Redeem
                </button>
                <button type="button" class="btn btn-small" onClick={() => setAsking(null)}>
                  Cancel
                </button>
              </div>
            </form>
          )}
        </div>
      )}
      {message && (
        <p class={message.error ? 'form-error' : 'eng-note'} role={message.error ? 'alert' : 'status'} data-testid="points-message">
          {message.text}
        </p>
      )}
    </section>
  );
}
