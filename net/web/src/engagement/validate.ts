// The forms' checks, mirroring the node's limits (docs/engagement.md), so a creator learns what
// is wrong before the request; the server checks again. Lengths count characters (code
// points), as the server does. Pure, tested in engagement.test.ts.

export const POLL_LIMITS = { title: 60, choice: 25, minChoices: 2, maxChoices: 5, minDuration: 15, maxDuration: 1800, maxPointsPerVote: 1_000_000 };
export const PREDICTION_LIMITS = { title: 45, outcome: 25, minOutcomes: 2, maxOutcomes: 10, minWindow: 30, maxWindow: 1800 };
export const REWARD_LIMITS = { title: 45, maxCost: 10_000_000, prompt: 200, maxCooldown: 604_800, maxRewards: 50 };
export const STAKE_LIMITS = { min: 1, max: 250_000 };
export const REDEEM_INPUT_MAX = 200;

export const chars = (s: string): number => [...s].length;

export type Errors<K extends string> = Partial<Record<K, string>>;
export type Checked<B, K extends string> = { ok: true; body: B } | { ok: false; errors: Errors<K> };

/** A whole number typed into a field, or null ("", "1.5", "abc"). */
export function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

function done<B, K extends string>(errors: Errors<K>, body: B): Checked<B, K> {
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, body };
}

/** A list of texts (choices, outcomes): blanks dropped, each trimmed. */
function entries(list: readonly string[]): string[] {
  return list.map((s) => s.trim()).filter((s) => s.length > 0);
}

// ---- Poll ----

export interface PollForm {
  title: string;
  choices: string[];
  duration_s: string;
  points_per_vote: string;
}
export interface PollBody {
  title: string;
  choices: string[];
  duration_s: number;
  points_per_vote: number;
}
type PollField = 'title' | 'choices' | 'duration_s' | 'points_per_vote';

export function checkPoll(f: PollForm): Checked<PollBody, PollField> {
  const L = POLL_LIMITS;
  const errors: Errors<PollField> = {};
  const title = f.title.trim();
  if (chars(title) < 1 || chars(title) > L.title) errors.title = `A title of 1–${L.title} characters.`;
  const choices = entries(f.choices);
  if (choices.length < L.minChoices || choices.length > L.maxChoices) errors.choices = `${L.minChoices}–${L.maxChoices} choices.`;
  else if (choices.some((c) => chars(c) > L.choice)) errors.choices = `Each choice at most ${L.choice} characters.`;
  const duration = wholeNumber(f.duration_s);
  if (duration === null || duration < L.minDuration || duration > L.maxDuration)
    errors.duration_s = `Between ${L.minDuration} and ${L.maxDuration} seconds.`;
  const ppv = f.points_per_vote.trim() === '' ? 0 : wholeNumber(f.points_per_vote);
  if (ppv === null || ppv > L.maxPointsPerVote) errors.points_per_vote = `0 (off) or 1–${L.maxPointsPerVote.toLocaleString('en')} points.`;
  return done(errors, { title, choices, duration_s: duration ?? 0, points_per_vote: ppv ?? 0 });
}

// ---- Prediction ----

export interface PredictionForm {
  title: string;
  outcomes: string[];
  window_s: string;
}
export interface PredictionBody {
  title: string;
  outcomes: string[];
  window_s: number;
}
type PredictionField = 'title' | 'outcomes' | 'window_s';

export function checkPrediction(f: PredictionForm): Checked<PredictionBody, PredictionField> {
  const L = PREDICTION_LIMITS;
  const errors: Errors<PredictionField> = {};
  const title = f.title.trim();
  if (chars(title) < 1 || chars(title) > L.title) errors.title = `A title of 1–${L.title} characters.`;
  const outcomes = entries(f.outcomes);
  if (outcomes.length < L.minOutcomes || outcomes.length > L.maxOutcomes) errors.outcomes = `${L.minOutcomes}–${L.maxOutcomes} outcomes.`;
  else if (outcomes.some((c) => chars(c) > L.outcome)) errors.outcomes = `Each outcome at most ${L.outcome} characters.`;
  const window = wholeNumber(f.window_s);
  if (window === null || window < L.minWindow || window > L.maxWindow) errors.window_s = `Between ${L.minWindow} and ${L.maxWindow} seconds.`;
  return done(errors, { title, outcomes, window_s: window ?? 0 });
}

// ---- Rewards ----

export interface RewardForm {
  title: string;
  cost: string;
  prompt: string;
  user_input: boolean;
  cooldown_s: string;
  max_per_stream: string;
  max_per_user_per_stream: string;
  enabled: boolean;
}
export interface RewardBody {
  title: string;
  cost: number;
  prompt: string;
  user_input: boolean;
  cooldown_s: number;
  max_per_stream: number;
  max_per_user_per_stream: number;
  enabled: boolean;
}
export type RewardField = 'title' | 'cost' | 'prompt' | 'cooldown_s' | 'max_per_stream' | 'max_per_user_per_stream' | 'count';

export const EMPTY_REWARD_FORM: RewardForm = {
  title: '',
  cost: '100',
  prompt: '',
  user_input: false,
  cooldown_s: '0',
  max_per_stream: '0',
  max_per_user_per_stream: '0',
  enabled: true,
};

/** `existing`: how many rewards the channel has besides the one edited (creating: all of them). */
export function checkReward(f: RewardForm, existing = 0, creating = true): Checked<RewardBody, RewardField> {
  const L = REWARD_LIMITS;
  const errors: Errors<RewardField> = {};
  if (creating && existing >= L.maxRewards) errors.count = `A channel has at most ${L.maxRewards} rewards.`;
  const title = f.title.trim();
  if (chars(title) < 1 || chars(title) > L.title) errors.title = `A title of 1–${L.title} characters.`;
  const cost = wholeNumber(f.cost);
  if (cost === null || cost < 1 || cost > L.maxCost) errors.cost = `1–${L.maxCost.toLocaleString('en')} points.`;
  const prompt = f.prompt.trim();
  if (chars(prompt) > L.prompt) errors.prompt = `At most ${L.prompt} characters.`;
  const blankZero = (s: string) => (s.trim() === '' ? 0 : wholeNumber(s));
  const cooldown = blankZero(f.cooldown_s);
  if (cooldown === null || cooldown > L.maxCooldown) errors.cooldown_s = `0–${L.maxCooldown.toLocaleString('en')} seconds (7 days).`;
  const perStream = blankZero(f.max_per_stream);
  if (perStream === null) errors.max_per_stream = '0 (no cap) or a whole number.';
  const perUser = blankZero(f.max_per_user_per_stream);
  if (perUser === null) errors.max_per_user_per_stream = '0 (no cap) or a whole number.';
  return done(errors, {
    title,
    cost: cost ?? 0,
    prompt,
    user_input: f.user_input,
    cooldown_s: cooldown ?? 0,
    max_per_stream: perStream ?? 0,
    max_per_user_per_stream: perUser ?? 0,
    enabled: f.enabled,
  });
}

/** A redemption's text: required (1–200 characters) when the reward asks for one. */
export function checkRedeemInput(text: string, required: boolean): string | null {
  const t = text.trim();
  if (required && chars(t) < 1) return 'This reward needs a message.';
  if (chars(t) > REDEEM_INPUT_MAX) return `At most ${REDEEM_INPUT_MAX} characters.`;
  return null;
}

/** Points typed for a stake: 1–250,000 and no more than the balance (when known). */
export function checkStake(text: string, balance: number | null): { ok: true; points: number } | { ok: false; error: string } {
  const n = wholeNumber(text);
  if (n === null || n < STAKE_LIMITS.min || n > STAKE_LIMITS.max) return { ok: false, error: `1–${STAKE_LIMITS.max.toLocaleString('en')} points.` };
  if (balance !== null && n > balance) return { ok: false, error: `You have ${balance.toLocaleString('en')} points.` };
  return { ok: true, points: n };
}
