// The channel's prediction beside the chat: each outcome's points, share, backers and payout
// ratio; while it is open a signed-in viewer backs one outcome with points (more points go to
// the same outcome); then locked, resolved (the winner marked) or canceled (points refunded).
import { useState } from 'preact/hooks';
import { useNow } from '../components/useNow';
import { errorText, stakePrediction } from './api';
import { formatClock, formatPoints, formatRatio, payoutRatio, percentages, potentialWin, secondsUntil } from './math';
import type { Prediction } from './model';
import { checkStake, wholeNumber } from './validate';

export interface PredictionWidgetProps {
  prediction: Prediction;
  channel: string;
  token: string | null;
  /** The viewer's balance when known, to check a stake before sending it. */
  balance: number | null;
  onPrediction: (p: Prediction) => void;
  onSpent?: () => void;
  /** Results only (the creator's dashboard): no stake form, no log-in prompt. */
  readOnly?: boolean;
}

const STATE_TEXT = { active: 'Prediction', locked: 'Prediction locked', resolved: 'Prediction resolved', canceled: 'Prediction canceled' } as const;

export function PredictionWidget({ prediction: p, channel, token, balance, onPrediction, onSpent, readOnly = false }: PredictionWidgetProps) {
  const active = p.state === 'active';
  const now = useNow(active);
  const [choice, setChoice] = useState<number | null>(null);
  const [amount, setAmount] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const points = p.outcomes.map((o) => o.points);
  const shares = percentages(points);
  const left = p.locks_at_ms ? secondsUntil(p.locks_at_ms, now) : null;
  const stake = p.my_stake;
  const picked = stake?.outcome ?? choice;
  const typed = wholeNumber(amount) ?? 0;

  async function submit(e: Event) {
    e.preventDefault();
    if (!token || picked === null) return;
    const checked = checkStake(amount, balance);
    if (!checked.ok) return setError(checked.error);
    setBusy(true);
    setError(null);
    try {
      onPrediction(await stakePrediction(token, channel, picked, checked.points));
      setAmount('');
      onSpent?.();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="eng-card prediction-widget" id="prediction-widget" data-state={p.state} data-prediction-id={p.id} aria-labelledby="prediction-title">
      <header class="eng-head">
        <span class="eng-kind">{STATE_TEXT[p.state]}</span>
        {active && left !== null && (
          <span class="eng-timer" data-testid="prediction-countdown" data-seconds={left} aria-label={`${left} seconds to predict`}>
            {formatClock(left)}
          </span>
        )}
      </header>
      <h3 class="eng-title" id="prediction-title">
        {p.title}
      </h3>
      <ul class="prediction-outcomes">
        {p.outcomes.map((o, i) => {
          const winner = p.state === 'resolved' && p.winner === i;
          const selectable = active && token !== null && (stake === null || stake.outcome === i);
          return (
            <li
              key={i}
              class={`prediction-outcome outcome-${i % 10}${winner ? ' winner' : ''}${picked === i ? ' chosen' : ''}`}
              data-testid="prediction-outcome"
              data-index={i}
              data-points={o.points}
              data-users={o.users}
              data-percent={shares[i]}
              data-winner={winner ? 'true' : undefined}
            >
              <div class="poll-bar" style={{ width: `${shares[i]}%` }} aria-hidden="true" />
              <span class="poll-choice-title">
                {winner && <span aria-label="winner">🏆 </span>}
                {o.title}
              </span>
              <span class="prediction-figures">
                <span>{shares[i]}%</span>
                <span title="points">🪙 {formatPoints(o.points)}</span>
                <span title="ratio">{formatRatio(payoutRatio(points, i))}</span>
                <span title="viewers">👤 {o.users}</span>
              </span>
              {selectable && (
                <button
                  type="button"
                  class="btn btn-small"
                  data-testid="prediction-pick"
                  data-index={i}
                  aria-pressed={picked === i}
                  onClick={() => setChoice(i)}
                  disabled={stake !== null}
                >
                  {picked === i ? 'Chosen' : 'Choose'}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {stake && (
        <p class="eng-note" data-testid="prediction-my-stake" data-outcome={stake.outcome} data-points={stake.points}>
          You predicted {p.outcomes[stake.outcome]?.title ?? '?'} with {stake.points.toLocaleString('en')} points
          {p.state === 'resolved' &&
            (p.winner === stake.outcome ? ` and won${stake.won !== null ? ` ${stake.won.toLocaleString('en')} points` : ''}!` : ' and lost.')}
          {p.state === 'canceled' && ': refunded.'}
        </p>
      )}
      {p.state === 'canceled' && !stake && <p class="eng-note muted">Canceled: every point was refunded.</p>}
      {p.state === 'locked' && <p class="eng-note muted">Predictions are closed; waiting for the result.</p>}
      {active && token && picked !== null && (
        <form class="eng-row" onSubmit={submit}>
          <label class="eng-label">
            Points on {p.outcomes[picked]?.title}
            <input
              type="number"
              min={1}
              class="eng-input eng-input-small"
              data-testid="prediction-points"
              value={amount}
              onInput={(e) => setAmount((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" class="btn btn-small btn-primary" data-testid="prediction-stake" disabled={busy || typed < 1}>
            Predict
          </button>
          {typed > 0 && <span class="muted eng-win">win ≈ {potentialWin(points, picked, typed).toLocaleString('en')}</span>}
        </form>
      )}
      {active && !token && !readOnly && (
        <p class="eng-note muted">
          <a href="/login">Log in</a> to predict with channel points.
        </p>
      )}
      {error && (
        <p class="form-error" role="alert" data-testid="prediction-error">
          {error}
        </p>
      )}
    </section>
  );
}
