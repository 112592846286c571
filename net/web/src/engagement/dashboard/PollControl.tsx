// Dashboard: start a poll (title, 2–5 choices, duration, optional extra votes for points) or
// watch the running one live and end it early.
import { useState } from 'preact/hooks';
import { PollWidget } from '../PollWidget';
import { endPoll, errorText, startPoll } from '../api';
import type { LiveEngagementApi } from '../useLiveEngagement';
import { checkPoll, POLL_LIMITS, type PollForm } from '../validate';
import { FieldError, TextList } from './TextList';

const EMPTY: PollForm = { title: '', choices: ['', ''], duration_s: '120', points_per_vote: '0' };

export function PollControl({ channel, token, live }: { channel: string; token: string; live: LiveEngagementApi }) {
  const [form, setForm] = useState<PollForm>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const poll = live.poll;
  const active = poll?.state === 'active';

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

  const submit = (e: Event) => {
    e.preventDefault();
    const checked = checkPoll(form);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    void run(async () => {
      live.setPoll(await startPoll(token, channel, checked.body));
      setForm(EMPTY);
    });
  };

  return (
    <section class="dash-card" id="poll-control" data-state={active ? 'active' : 'idle'} aria-labelledby="poll-control-title">
      <h2 id="poll-control-title">Poll</h2>
      {poll && <PollWidget poll={poll} channel={channel} token={null} onPoll={live.setPoll} readOnly />}
      {active ? (
        <div class="dash-row">
          <button type="button" class="btn btn-danger" data-testid="poll-end" disabled={busy} onClick={() => run(async () => live.setPoll(await endPoll(token, channel)))}>
            End poll now
          </button>
        </div>
      ) : (
        <form class="dash-form" id="poll-form" onSubmit={submit} noValidate>
          <label>
            Question
            <input data-testid="poll-title-input" value={form.title} maxLength={POLL_LIMITS.title} onInput={(e) => setForm({ ...form, title: (e.target as HTMLInputElement).value })} />
          </label>
          <FieldError text={errors.title} />
          <TextList id="poll-choices" label="Choices" values={form.choices} min={POLL_LIMITS.minChoices} max={POLL_LIMITS.maxChoices} maxLength={POLL_LIMITS.choice} onChange={(choices) => setForm({ ...form, choices })} />
          <FieldError text={errors.choices} />
          <div class="dash-row">
            <label>
              Duration (s)
              <input type="number" data-testid="poll-duration" min={POLL_LIMITS.minDuration} max={POLL_LIMITS.maxDuration} value={form.duration_s} onInput={(e) => setForm({ ...form, duration_s: (e.target as HTMLInputElement).value })} />
            </label>
            <label>
              Points per extra vote (0 = off)
              <input type="number" data-testid="poll-ppv" min={0} value={form.points_per_vote} onInput={(e) => setForm({ ...form, points_per_vote: (e.target as HTMLInputElement).value })} />
            </label>
          </div>
          <FieldError text={errors.duration_s ?? errors.points_per_vote} />
          <div class="dash-row">
            <button type="submit" class="btn btn-primary" data-testid="poll-start" disabled={busy}>
              Start poll
            </button>
          </div>
        </form>
      )}
      {error && (
        <p class="form-error" role="alert" data-testid="poll-control-error">
          {error}
        </p>
      )}
    </section>
  );
}
