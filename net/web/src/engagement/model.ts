// Live engagement as the node describes it (docs/engagement.md): polls, predictions, channel
// points, custom rewards and redemptions, the hype train. Parsers take the REST answers and the
// chat room's frames (`poll`, `prediction`, `hype_train`, `redemption`); the reducers keep what
// a frame does not carry (the viewer's own votes and stake). Pure, tested in engagement.test.ts.

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback);
/** The first of `keys` that `o` has as a finite number, else null. */
function firstNum(o: Obj, ...keys: string[]): number | null {
  for (const k of keys) if (typeof o[k] === 'number' && Number.isFinite(o[k])) return o[k] as number;
  return null;
}

// ---- Polls ----

export type PollState = 'active' | 'ended';

export interface PollChoice {
  title: string;
  votes: number;
}

/** The viewer's votes in a poll (from `my_votes` with a bearer token). */
export interface MyVotes {
  total: number;
  /** The choice voted for (a viewer's votes go to one choice), null when unknown. */
  choice: number | null;
}

export interface Poll {
  id: string;
  title: string;
  choices: PollChoice[];
  total_votes: number;
  voters: number;
  state: PollState;
  started_at_ms: number;
  ends_at_ms: number;
  /** When it ended (early, with "end", or on time); 0 while active. */
  ended_at_ms: number;
  duration_s: number;
  points_per_vote: number;
  my_votes: MyVotes | null;
}

/** `my_votes` as a count, a per-choice array, or `{choice, votes}`; null when absent or none. */
export function parseMyVotes(v: unknown): MyVotes | null {
  if (typeof v === 'number') return v > 0 ? { total: v, choice: null } : null;
  if (Array.isArray(v)) {
    const counts = v.map((x) => num(x));
    const total = counts.reduce((a, b) => a + b, 0);
    if (total <= 0) return null;
    return { total, choice: counts.indexOf(Math.max(...counts)) };
  }
  const o = obj(v);
  if (!o) return null;
  const total = firstNum(o, 'votes', 'total') ?? 0;
  const choice = firstNum(o, 'choice');
  return total > 0 ? { total, choice } : null;
}

export function parsePoll(v: unknown): Poll | null {
  const o = obj(v);
  if (!o || !Array.isArray(o.choices)) return null;
  const choices = o.choices.map((c) => {
    const co = obj(c);
    return co ? { title: str(co.title), votes: num(co.votes) } : { title: str(c), votes: 0 };
  });
  const total = firstNum(o, 'total_votes') ?? choices.reduce((a, c) => a + c.votes, 0);
  return {
    id: str(o.id),
    title: str(o.title),
    choices,
    total_votes: total,
    voters: num(o.voters),
    state: o.state === 'active' ? 'active' : 'ended',
    started_at_ms: num(o.started_at_ms),
    ends_at_ms: num(o.ends_at_ms),
    ended_at_ms: num(o.ended_at_ms),
    duration_s: num(o.duration_s),
    points_per_vote: num(o.points_per_vote),
    my_votes: parseMyVotes(o.my_votes),
  };
}

/**
 * A `poll` frame (or a REST answer) applied to the poll shown: the same poll keeps the viewer's
 * votes (frames carry none), a different one replaces it. An answer to the viewer's own vote
 * carries `my_votes`, and wins.
 */
export function mergePoll(current: Poll | null, next: Poll): Poll {
  if (current && current.id === next.id && next.my_votes === null) return { ...next, my_votes: current.my_votes };
  return next;
}

// ---- Predictions ----

export type PredictionState = 'active' | 'locked' | 'resolved' | 'canceled';

export interface Outcome {
  title: string;
  points: number;
  users: number;
}

export interface Stake {
  outcome: number;
  points: number;
  /** What it paid out once resolved (0 when it lost), else null. */
  won: number | null;
}

export interface Prediction {
  id: string;
  title: string;
  outcomes: Outcome[];
  state: PredictionState;
  window_s: number;
  /** When staking closes (ACTIVE -> LOCKED by itself); 0 when unknown. */
  locks_at_ms: number;
  /** The winning outcome once resolved, else null. */
  winner: number | null;
  my_stake: Stake | null;
}

function parsePredictionState(v: unknown): PredictionState {
  if (v === 'locked' || v === 'resolved') return v;
  if (v === 'canceled' || v === 'cancelled') return 'canceled';
  return 'active';
}

export function parseStake(v: unknown): Stake | null {
  const o = obj(v);
  if (!o) return null;
  const points = firstNum(o, 'points', 'amount') ?? 0;
  const outcome = firstNum(o, 'outcome');
  return points > 0 && outcome !== null ? { outcome, points, won: firstNum(o, 'won') } : null;
}

export function parsePrediction(v: unknown): Prediction | null {
  const o = obj(v);
  if (!o || !Array.isArray(o.outcomes)) return null;
  const outcomes = o.outcomes.map((x) => {
    const xo = obj(x);
    return xo ? { title: str(xo.title), points: num(xo.points), users: num(xo.users) } : { title: str(x), points: 0, users: 0 };
  });
  const started = firstNum(o, 'started_at_ms', 'created_at_ms') ?? 0;
  const window_s = num(o.window_s);
  const locks = firstNum(o, 'locks_at_ms', 'window_ends_at_ms', 'ends_at_ms') ?? (started && window_s ? started + window_s * 1000 : 0);
  const winner = firstNum(o, 'winning_outcome', 'winner', 'outcome', 'resolved_outcome');
  return {
    id: str(o.id),
    title: str(o.title),
    outcomes,
    state: parsePredictionState(o.state),
    window_s,
    locks_at_ms: locks,
    winner: winner !== null && winner >= 0 && winner < outcomes.length ? winner : null,
    my_stake: parseStake(o.my_stake),
  };
}

/** Like mergePoll: the same prediction keeps the viewer's stake when a frame carries none. */
export function mergePrediction(current: Prediction | null, next: Prediction): Prediction {
  if (current && current.id === next.id && next.my_stake === null) return { ...next, my_stake: current.my_stake };
  return next;
}

// ---- Channel points, rewards, redemptions ----

export interface Points {
  balance: number;
  claim_available: boolean;
  watch_s: number;
}

export function parsePoints(v: unknown): Points | null {
  const o = obj(v);
  if (!o || typeof o.balance !== 'number') return null;
  return { balance: num(o.balance), claim_available: o.claim_available === true, watch_s: num(o.watch_s) };
}

export interface Reward {
  id: string;
  title: string;
  cost: number;
  prompt: string;
  user_input: boolean;
  cooldown_s: number;
  max_per_stream: number;
  max_per_user_per_stream: number;
  enabled: boolean;
}

export function parseReward(v: unknown): Reward | null {
  const o = obj(v);
  if (!o || o.id === undefined) return null;
  return {
    id: str(o.id),
    title: str(o.title),
    cost: num(o.cost),
    prompt: str(o.prompt),
    user_input: o.user_input === true,
    cooldown_s: num(o.cooldown_s),
    max_per_stream: num(o.max_per_stream),
    max_per_user_per_stream: num(o.max_per_user_per_stream),
    enabled: o.enabled !== false,
  };
}

export function parseRewards(v: unknown): Reward[] {
  const list = obj(v)?.rewards;
  return Array.isArray(list) ? list.map(parseReward).filter((r): r is Reward => r !== null) : [];
}

export type RedemptionStatus = 'unfulfilled' | 'fulfilled' | 'canceled';

export interface Redemption {
  id: string;
  reward_id: string;
  reward_title: string;
  user: string;
  input: string;
  cost: number;
  status: RedemptionStatus;
  at_ms: number;
}

export function parseRedemption(v: unknown): Redemption | null {
  const o = obj(v);
  if (!o || (o.id === undefined && typeof o.user !== 'string')) return null;
  // `reward` is the reward's id in REST answers (its title in `title`), its title in the room's
  // frames (which have no `title`), or an object with both.
  const reward = obj(o.reward);
  const named = typeof o.reward === 'string' ? o.reward : '';
  const status = o.status === 'fulfilled' ? 'fulfilled' : o.status === 'canceled' || o.status === 'cancelled' ? 'canceled' : 'unfulfilled';
  return {
    id: str(o.id),
    reward_id: str(o.reward_id ?? reward?.id) || (o.title !== undefined ? named : ''),
    reward_title: str(o.reward_title ?? reward?.title ?? o.title) || (o.title === undefined ? named : ''),
    user: str(o.user),
    input: str(o.input),
    cost: num(o.cost ?? reward?.cost),
    status,
    at_ms: firstNum(o, 'redeemed_at_ms', 'at_ms', 'ts', 'created_at_ms') ?? 0,
  };
}

export function parseRedemptions(v: unknown): Redemption[] {
  const list = obj(v)?.redemptions;
  return Array.isArray(list) ? list.map(parseRedemption).filter((r): r is Redemption => r !== null) : [];
}

/** The chat line of a redemption: "amy redeemed Hydrate: drink water". */
export function redemptionText(r: Redemption): string {
  const what = r.reward_title || 'a reward';
  return `${r.user || 'Someone'} redeemed ${what}${r.input ? `: ${r.input}` : ''}`;
}

// ---- Hype train ----

export type TrainState = 'idle' | 'active' | 'cooldown';

export interface Contributor {
  user: string;
  amount: number;
}

export interface HypeTrain {
  state: TrainState;
  level: number;
  progress: number;
  goal: number;
  ends_at_ms: number;
  cooldown_ends_at_ms: number;
  top: Contributor[];
}

export const IDLE_TRAIN: HypeTrain = { state: 'idle', level: 0, progress: 0, goal: 0, ends_at_ms: 0, cooldown_ends_at_ms: 0, top: [] };

export function parseHypeTrain(v: unknown): HypeTrain | null {
  const o = obj(v);
  if (!o) return null;
  const state: TrainState = o.state === 'active' || o.state === 'cooldown' ? o.state : 'idle';
  const top = Array.isArray(o.top)
    ? o.top.map(obj).filter((c): c is Obj => c !== null).map((c) => ({ user: str(c.user), amount: num(c.amount) }))
    : [];
  return {
    state,
    level: num(o.level),
    progress: num(o.progress),
    goal: num(o.goal),
    ends_at_ms: num(o.ends_at_ms),
    cooldown_ends_at_ms: num(o.cooldown_ends_at_ms),
    top,
  };
}

// ---- Room frames ----

export type EngagementEvent =
  | { kind: 'poll'; poll: Poll }
  | { kind: 'prediction'; prediction: Prediction }
  | { kind: 'hype_train'; train: HypeTrain }
  | { kind: 'redemption'; redemption: Redemption };

/** Reads an engagement frame of a chat room; null for every other frame. */
export function parseEngagementFrame(f: Obj): EngagementEvent | null {
  switch (f.type) {
    case 'poll': {
      const poll = parsePoll(f.poll);
      return poll ? { kind: 'poll', poll } : null;
    }
    case 'prediction': {
      const prediction = parsePrediction(f.prediction);
      return prediction ? { kind: 'prediction', prediction } : null;
    }
    case 'hype_train': {
      const train = parseHypeTrain(f.train ?? f.hype_train);
      return train ? { kind: 'hype_train', train } : null;
    }
    case 'redemption': {
      const redemption = parseRedemption(f.redemption ?? f);
      return redemption ? { kind: 'redemption', redemption } : null;
    }
    default:
      return null;
  }
}
