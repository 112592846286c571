// Dashboard: the channel's custom rewards (at most 50): create, edit, enable/disable, delete.
import { useEffect, useState } from 'preact/hooks';
import { useAlive } from '../../components/useAlive';
import { deleteReward, errorText, fetchRewards, saveReward } from '../api';
import type { Reward } from '../model';
import { checkReward, EMPTY_REWARD_FORM, REWARD_LIMITS, type RewardField, type RewardForm } from '../validate';
import { FieldError } from './TextList';

const formOf = (r: Reward): RewardForm => ({
  title: r.title,
  cost: String(r.cost),
  prompt: r.prompt,
  user_input: r.user_input,
  cooldown_s: String(r.cooldown_s),
  max_per_stream: String(r.max_per_stream),
  max_per_user_per_stream: String(r.max_per_user_per_stream),
  enabled: r.enabled,
});

export function RewardManager({ channel, token }: { channel: string; token: string }) {
  const [rewards, setRewards] = useState<Reward[] | null>(null);
  /** The reward edited ("" creates one), null: the form is closed. */
  const [editing, setEditing] = useState<string | null>(null);
  const [form, setForm] = useState<RewardForm>(EMPTY_REWARD_FORM);
  const [errors, setErrors] = useState<Partial<Record<RewardField, string>>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const alive = useAlive();

  useEffect(() => {
    fetchRewards(channel, token)
      .then((r) => alive.current && setRewards(r))
      .catch((e) => alive.current && setError(errorText(e)));
  }, [channel, token]);

  const open = (r: Reward | null) => {
    setEditing(r ? r.id : '');
    setForm(r ? formOf(r) : EMPTY_REWARD_FORM);
    setErrors({});
    setError(null);
  };

  async function run(call: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await call();
    } catch (e) {
      if (alive.current) setError(errorText(e));
    } finally {
      if (alive.current) setBusy(false);
    }
  }

  const submit = (e: Event) => {
    e.preventDefault();
    const creating = editing === '';
    const checked = checkReward(form, (rewards?.length ?? 0) - (creating ? 0 : 1), creating);
    if (!checked.ok) return setErrors(checked.errors);
    setErrors({});
    void run(async () => {
      const saved = await saveReward(token, channel, checked.body, creating ? undefined : editing!);
      setRewards((list) => (creating ? [...(list ?? []), saved] : (list ?? []).map((r) => (r.id === saved.id ? saved : r))));
      setEditing(null);
    });
  };

  const remove = (r: Reward) => {
    if (!confirm(`Delete the reward "${r.title}"?`)) return;
    void run(async () => {
      await deleteReward(token, channel, r.id);
      setRewards((list) => (list ?? []).filter((x) => x.id !== r.id));
    });
  };

  const set = (patch: Partial<RewardForm>) => setForm((f) => ({ ...f, ...patch }));
  const text = (key: keyof RewardForm) => (e: Event) => set({ [key]: (e.target as HTMLInputElement).value } as Partial<RewardForm>);
  const full = (rewards?.length ?? 0) >= REWARD_LIMITS.maxRewards;

  return (
    <section class="dash-card" id="reward-manager" data-count={rewards?.length ?? 0} aria-labelledby="rewards-title">
      <div class="dash-row card-head">
        <h2 id="rewards-title">
          Rewards{' '}
          <span class="muted">
            ({rewards?.length ?? 0}/{REWARD_LIMITS.maxRewards})
          </span>
        </h2>
        <button type="button" class="btn btn-small" data-testid="reward-new" disabled={full || editing !== null} onClick={() => open(null)}>
          New reward
        </button>
      </div>
      {rewards?.length === 0 && <p class="muted">No rewards yet.</p>}
      <ul class="mod-list" id="reward-list">
        {rewards?.map((r) => (
          <li key={r.id} class="mod-item" data-testid="reward-row" data-reward-id={r.id} data-enabled={r.enabled ? 'true' : 'false'}>
            <div class="dash-row">
              <strong>{r.title}</strong>
              <span class="muted">
                🪙 {r.cost.toLocaleString('en')}
                {r.user_input ? ' · asks for text' : ''}
                {r.cooldown_s ? ` · cooldown ${r.cooldown_s} s` : ''}
                {r.enabled ? '' : ' · disabled'}
              </span>
            </div>
            <div class="mod-item-actions">
              <button type="button" class="btn btn-small" data-testid="reward-edit" disabled={editing !== null} onClick={() => open(r)}>
                Edit
              </button>
              <button type="button" class="btn btn-small btn-danger" data-testid="reward-delete" disabled={busy} onClick={() => remove(r)}>
                Delete
              </button>
            </div>
          </li>
        ))}
      </ul>
      {editing !== null && (
        <form class="dash-form reward-form" id="reward-form" onSubmit={submit} noValidate>
          <h3>{editing ? 'Edit reward' : 'New reward'}</h3>
          <label>
            Title
            <input data-testid="reward-title" value={form.title} maxLength={REWARD_LIMITS.title} onInput={text('title')} />
          </label>
          <FieldError text={errors.title} />
          <label>
            Cost (points)
            <input type="number" min={1} max={REWARD_LIMITS.maxCost} data-testid="reward-cost" value={form.cost} onInput={text('cost')} />
          </label>
          <FieldError text={errors.cost} />
          <label>
            Prompt (optional)
            <input data-testid="reward-prompt" value={form.prompt} maxLength={REWARD_LIMITS.prompt} onInput={text('prompt')} />
          </label>
          <FieldError text={errors.prompt} />
          <label class="inline-label">
            <input type="checkbox" data-testid="reward-user-input" checked={form.user_input} onChange={(e) => set({ user_input: (e.target as HTMLInputElement).checked })} />
            Viewer writes a message
          </label>
          <div class="dash-row">
            <label>
              Cooldown (s)
              <input type="number" min={0} data-testid="reward-cooldown" value={form.cooldown_s} onInput={text('cooldown_s')} />
            </label>
            <label>
              Max per stream (0 = no cap)
              <input type="number" min={0} data-testid="reward-max-stream" value={form.max_per_stream} onInput={text('max_per_stream')} />
            </label>
            <label>
              Max per viewer per stream
              <input type="number" min={0} data-testid="reward-max-user" value={form.max_per_user_per_stream} onInput={text('max_per_user_per_stream')} />
            </label>
          </div>
          <FieldError text={errors.cooldown_s ?? errors.max_per_stream ?? errors.max_per_user_per_stream} />
          <label class="inline-label">
            <input type="checkbox" data-testid="reward-enabled" checked={form.enabled} onChange={(e) => set({ enabled: (e.target as HTMLInputElement).checked })} />
            Enabled
          </label>
          <FieldError text={errors.count} />
          <div class="dash-row">
            <button type="submit" class="btn btn-primary" data-testid="reward-save" disabled={busy}>
              Save
            </button>
            <button type="button" class="btn" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {error && (
        <p class="form-error" role="alert" data-testid="reward-error">
          {error}
        </p>
      )}
    </section>
  );
}
