// REST calls of the engagement contract (docs/engagement.md). The "current" reads answer null
// when nothing is running: the server says so with the JSON body `null` (an older node of a
// mixed cluster with a 404). Calls send the session's token when there is one.
import { ApiError } from '../api';
import { request } from '../accountApi';
import {
  parseHypeTrain,
  parsePoints,
  parsePoll,
  parsePrediction,
  parseRedemption,
  parseRedemptions,
  parseReward,
  parseRewards,
  type HypeTrain,
  type Points,
  type Poll,
  type Prediction,
  type Redemption,
  type Reward,
} from './model';
import type { PollBody, PredictionBody, RewardBody } from './validate';

const base = (c: string) => `/api/v1/channels/${encodeURIComponent(c)}`;
const opt = (token: string | null) => (token ? { token } : {});

function must<T>(v: T | null, what: string): T {
  if (v === null) throw new ApiError(0, 'bad_response', `${what} missing in the answer`);
  return v;
}

/** null on a 404 (nothing running), the error otherwise. */
async function orNull<T>(call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** A "current" read: the body `null` or a 404 is "none". */
const current = <T,>(url: string, token: string | null, parse: (v: unknown) => T | null): Promise<T | null> =>
  orNull(async () => {
    const body = await request('GET', url, opt(token));
    return body === null ? null : parse(body);
  });

// ---- Polls ----

export const fetchPoll = (channel: string, token: string | null): Promise<Poll | null> => current(`${base(channel)}/polls/current`, token, parsePoll);

export async function startPoll(token: string, channel: string, body: PollBody): Promise<Poll> {
  return must(parsePoll(await request('POST', `${base(channel)}/polls`, { token, body })), 'poll');
}

export async function votePoll(token: string, channel: string, choice: number, votes = 1): Promise<Poll> {
  return must(parsePoll(await request('POST', `${base(channel)}/polls/current/vote`, { token, body: { choice, votes } })), 'poll');
}

export async function endPoll(token: string, channel: string): Promise<Poll> {
  return must(parsePoll(await request('POST', `${base(channel)}/polls/current/end`, { token })), 'poll');
}

// ---- Predictions ----

export const fetchPrediction = (channel: string, token: string | null): Promise<Prediction | null> =>
  current(`${base(channel)}/predictions/current`, token, parsePrediction);

export async function startPrediction(token: string, channel: string, body: PredictionBody): Promise<Prediction> {
  return must(parsePrediction(await request('POST', `${base(channel)}/predictions`, { token, body })), 'prediction');
}

export async function stakePrediction(token: string, channel: string, outcome: number, points: number): Promise<Prediction> {
  return must(
    parsePrediction(await request('POST', `${base(channel)}/predictions/current/stake`, { token, body: { outcome, points } })),
    'prediction',
  );
}

export type PredictionAction = { kind: 'lock' } | { kind: 'cancel' } | { kind: 'resolve'; outcome: number };

export async function actOnPrediction(token: string, channel: string, action: PredictionAction): Promise<Prediction> {
  const body = action.kind === 'resolve' ? { outcome: action.outcome } : undefined;
  return must(parsePrediction(await request('POST', `${base(channel)}/predictions/current/${action.kind}`, { token, body })), 'prediction');
}

// ---- Points ----

export async function fetchPoints(token: string, channel: string): Promise<Points> {
  return must(parsePoints(await request('GET', `${base(channel)}/points/me`, { token })), 'balance');
}

export async function claimBonus(token: string, channel: string): Promise<Points> {
  return must(parsePoints(await request('POST', `${base(channel)}/points/claim`, { token })), 'balance');
}

// ---- Rewards and redemptions ----

export async function fetchRewards(channel: string, token: string | null): Promise<Reward[]> {
  return parseRewards(await request('GET', `${base(channel)}/rewards`, opt(token)));
}

/** Creates (no `id`) or changes a reward. */
export async function saveReward(token: string, channel: string, body: RewardBody, id?: string): Promise<Reward> {
  const res = id
    ? await request('PATCH', `${base(channel)}/rewards/${encodeURIComponent(id)}`, { token, body })
    : await request('POST', `${base(channel)}/rewards`, { token, body });
  return must(parseReward(res), 'reward');
}

export async function deleteReward(token: string, channel: string, id: string): Promise<void> {
  await request('DELETE', `${base(channel)}/rewards/${encodeURIComponent(id)}`, { token });
}

export async function redeemReward(token: string, channel: string, id: string, input?: string): Promise<Redemption> {
  const body = input ? { input } : {};
  return must(parseRedemption(await request('POST', `${base(channel)}/rewards/${encodeURIComponent(id)}/redeem`, { token, body })), 'redemption');
}

export async function fetchRedemptions(token: string, channel: string, status = 'unfulfilled'): Promise<Redemption[]> {
  return parseRedemptions(await request('GET', `${base(channel)}/redemptions?status=${encodeURIComponent(status)}`, { token }));
}

export async function setRedemption(token: string, channel: string, id: string, status: 'fulfilled' | 'canceled'): Promise<void> {
  await request('POST', `${base(channel)}/redemptions/${encodeURIComponent(id)}`, { token, body: { status } });
}

// ---- Hype train ----

export async function fetchHypeTrain(channel: string): Promise<HypeTrain | null> {
  return orNull(async () => parseHypeTrain(await request('GET', `${base(channel)}/hype-train`)));
}

/** The text for a refused call: the server's message, or that it could not be reached. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.status === 401 ? 'Log in first.' : e.message;
  return 'Could not reach the server.';
}
