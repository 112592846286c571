// Dashboard: start a prediction (title, 2–10 outcomes, window), then lock it, resolve it with
// the winning outcome, or cancel it (refunding everyone).
import { useState } from 'preact/hooks';
import { PredictionWidget } from '../PredictionWidget';
import { actOnPrediction, errorText, startPrediction, type PredictionAction } from '../api';
import type { LiveEngagementApi } from '../useLiveEngagement';
import { checkPrediction, PREDICTION_LIMITS, type PredictionForm } from '../validate';
import { FieldError, TextList } from './TextList';

const EMPTY: PredictionForm = { title: '', outcomes: ['', ''], window_s: '120' };

export function PredictionControl({ channel, token, live }: { channel: string; token: string; live: LiveEngagementApi }) {
  const [form, setForm] = useState<PredictionForm>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [winner, setWinner] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const p = live.prediction;
  const open = p?.state === 'active' || p?.state === 'locked';

  async function run(call: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await call();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }
  const act = (action: PredictionAction) => run(async () => live.setPrediction(await actOnPrediction(token, channel, action)));

  const submit = (e: Event) => {
    e.preventDefault();
    const checked = checkPrediction(form);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    void run(async () => {
      live.setPrediction(await startPrediction(token, channel, checked.body));
      setForm(EMPTY);
      setWinner(0);
    });
  };

  return (
    <section class="dash-card" id="prediction-control" data-state={p?.state ?? 'idle'} aria-labelledby="prediction-control-title">
      <h2 id="prediction-control-title">Prediction</h2>
      {p && <PredictionWidget prediction={p} channel={channel} token={null} balance={null} onPrediction={live.setPrediction} readOnly />}
      {open && p ? (
        <div class="dash-row">
          {p.state === 'active' && (
            <button type="button" class="btn" data-testid="prediction-lock" disabled={busy} onClick={() => act({ kind: 'lock' })}>
              Lock
            </button>
          )}
          <label class="inline-label">
            Winner
            <select data-testid="prediction-winner" value={winner} onChange={(e) => setWinner(Number((e.target as HTMLSelectElement).value))}>
              {p.outcomes.map((o, i) => (
                <option key={i} value={i}>
                  {o.title}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="btn btn-primary" data-testid="prediction-resolve" disabled={busy} onClick={() => act({ kind: 'resolve', outcome: winner })}>
            Resolve
          </button>
          <button type="button" class="btn btn-danger" data-testid="prediction-cancel" disabled={busy} onClick={() => confirm('Cancel the prediction and refund every point?') && act({ kind: 'cancel' })}>
            Cancel
          </button>
        </div>
      ) : (
        <form class="dash-form" id="prediction-form" onSubmit={submit} noValidate>
          <label>
            Question
            <input data-testid="prediction-title-input" value={form.title} maxLength={PREDICTION_LIMITS.title} onInput={(e) => setForm({ ...form, title: (e.target as HTMLInputElement).value })} />
          </label>
          <FieldError text={errors.title} />
          <TextList id="prediction-outcomes" label="Outcomes" values={form.outcomes} min={PREDICTION_LIMITS.minOutcomes} max={PREDICTION_LIMITS.maxOutcomes} maxLength={PREDICTION_LIMITS.outcome} onChange={(outcomes) => setForm({ ...form, outcomes })} />
          <FieldError text={errors.outcomes} />
          <label>
            Prediction window (s)
            <input type="number" data-testid="prediction-window" min={PREDICTION_LIMITS.minWindow} max={PREDICTION_LIMITS.maxWindow} value={form.window_s} onInput={(e) => setForm({ ...form, window_s: (e.target as HTMLInputElement).value })} />
          </label>
          <FieldError text={errors.window_s} />
          <div class="dash-row">
            <button type="submit" class="btn btn-primary" data-testid="prediction-start" disabled={busy}>
              Start prediction
            </button>
          </div>
        </form>
      )}
      {error && (
        <p class="form-error" role="alert" data-testid="prediction-control-error">
          {error}
        </p>
      )}
    </section>
  );
}
