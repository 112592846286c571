import { describe, expect, it } from 'vitest';
import { formatClock, formatPoints, formatRatio, payoutRatio, percentages, potentialWin, progressPercent, secondsUntil } from './math';
import { mergePoll, mergePrediction, parseEngagementFrame, parseHypeTrain, parseMyVotes, parsePoll, parsePrediction, parseRedemption, redemptionText } from './model';
import { EMPTY_REWARD_FORM, checkPoll, checkPrediction, checkRedeemInput, checkReward, checkStake } from './validate';

const pollJson = (over: Record<string, unknown> = {}) => ({
  id: 'p1',
  title: 'Best map?',
  choices: [
    { title: 'Dust', votes: 2 },
    { title: 'Mirage', votes: 1 },
  ],
  total_votes: 3,
  voters: 3,
  state: 'active',
  started_at_ms: 1000,
  ends_at_ms: 61_000,
  duration_s: 60,
  points_per_vote: 0,
  ...over,
});

describe('percentages', () => {
  it('adds up to 100 by the largest remainder', () => {
    expect(percentages([1, 1, 1])).toEqual([34, 33, 33]);
    expect(percentages([2, 1])).toEqual([67, 33]);
    expect(percentages([1, 0, 0])).toEqual([100, 0, 0]);
    expect(percentages([1, 2, 3, 4, 5, 6, 7]).reduce((a, b) => a + b, 0)).toBe(100);
  });
  it('is all zero before any vote, and ignores junk', () => {
    expect(percentages([0, 0])).toEqual([0, 0]);
    expect(percentages([Number.NaN, -3, 1])).toEqual([0, 0, 100]);
  });
});

describe('predictions math', () => {
  it('gives Twitch-style ratios and payouts', () => {
    expect(payoutRatio([100, 300], 0)).toBe(4);
    expect(formatRatio(payoutRatio([100, 300], 1))).toBe('1:1.33');
    expect(payoutRatio([0, 300], 0)).toBeNull();
    expect(formatRatio(null)).toBe('–');
    // 100 more on outcome 0: total 500, outcome 200 -> 100 * 500 / 200
    expect(potentialWin([100, 300], 0, 100)).toBe(250);
    expect(potentialWin([0, 0], 1, 50)).toBe(50);
  });
});

describe('countdowns and figures', () => {
  it('formats clocks', () => {
    expect(secondsUntil(10_500, 10_000)).toBe(1);
    expect(secondsUntil(9_000, 10_000)).toBe(0);
    expect(formatClock(9)).toBe('0:09');
    expect(formatClock(245)).toBe('4:05');
    expect(formatClock(3723)).toBe('1:02:03');
    expect(formatClock(-4)).toBe('0:00');
  });
  it('bounds progress and shortens points', () => {
    expect(progressPercent(50, 200)).toBe(25);
    expect(progressPercent(500, 200)).toBe(100);
    expect(progressPercent(5, 0)).toBe(0);
    expect(formatPoints(950)).toBe('950');
    expect(formatPoints(12_345)).toBe('12.3K');
    expect(formatPoints(2_500_000)).toBe('2.5M');
  });
});

describe('polls', () => {
  it('parses a poll and the shapes of my_votes', () => {
    const p = parsePoll(pollJson({ my_votes: 2 }))!;
    expect(p.choices.map((c) => c.votes)).toEqual([2, 1]);
    expect(p.my_votes).toEqual({ total: 2, choice: null });
    expect(parseMyVotes([0, 3])).toEqual({ total: 3, choice: 1 });
    expect(parseMyVotes({ choice: 0, votes: 1 })).toEqual({ total: 1, choice: 0 });
    expect(parseMyVotes(0)).toBeNull();
    expect(parsePoll({ title: 'no choices' })).toBeNull();
  });
  it('keeps the viewer\'s votes across frames of the same poll, not of a new one', () => {
    const mine = parsePoll(pollJson({ my_votes: { choice: 1, votes: 1 } }))!;
    const frame = parseEngagementFrame({ type: 'poll', poll: pollJson({ choices: [{ title: 'Dust', votes: 5 }, { title: 'Mirage', votes: 4 }] }) });
    expect(frame?.kind).toBe('poll');
    if (frame?.kind !== 'poll') return;
    const merged = mergePoll(mine, frame.poll);
    expect(merged.choices[0]!.votes).toBe(5);
    expect(merged.my_votes).toEqual({ total: 1, choice: 1 });
    const fresh = mergePoll(mine, parsePoll(pollJson({ id: 'p2' }))!);
    expect(fresh.my_votes).toBeNull();
  });
  it('an ended frame ends the poll', () => {
    const ended = mergePoll(parsePoll(pollJson())!, parsePoll(pollJson({ state: 'ended' }))!);
    expect(ended.state).toBe('ended');
  });
});

describe('predictions', () => {
  const json = {
    id: 'x',
    title: 'Win?',
    outcomes: [
      { title: 'Yes', points: 100, users: 1 },
      { title: 'No', points: 300, users: 2 },
    ],
    state: 'active',
    window_s: 60,
    started_at_ms: 1000,
  };
  it('parses states, the lock time and the winner', () => {
    const p = parsePrediction(json)!;
    expect(p.locks_at_ms).toBe(61_000);
    expect(p.winner).toBeNull();
    expect(parsePrediction({ ...json, state: 'cancelled' })!.state).toBe('canceled');
    const r = parsePrediction({ ...json, state: 'resolved', winning_outcome: 1 })!;
    expect(r.state).toBe('resolved');
    expect(r.winner).toBe(1);
    expect(parsePrediction({ ...json, winning_outcome: 7 })!.winner).toBeNull();
  });
  it('keeps the stake across frames', () => {
    const mine = parsePrediction({ ...json, my_stake: { outcome: 0, points: 50 } })!;
    const next = mergePrediction(mine, parsePrediction({ ...json, state: 'locked' })!);
    expect(next.state).toBe('locked');
    expect(next.my_stake).toEqual({ outcome: 0, points: 50, won: null });
    expect(parsePrediction({ ...json, state: 'resolved', winning_outcome: 0, my_stake: { outcome: 0, points: 50, won: 200 } })!.my_stake?.won).toBe(200);
  });
});

describe('hype train and redemptions', () => {
  it('parses the train frame', () => {
    const f = parseEngagementFrame({ type: 'hype_train', train: { state: 'active', level: 2, progress: 30, goal: 100, ends_at_ms: 5, top: [{ user: 'amy', amount: 20 }, 'junk'] } });
    expect(f).toEqual({ kind: 'hype_train', train: { state: 'active', level: 2, progress: 30, goal: 100, ends_at_ms: 5, cooldown_ends_at_ms: 0, top: [{ user: 'amy', amount: 20 }] } });
    expect(parseHypeTrain({ state: 'weird' })!.state).toBe('idle');
  });
  it('says who redeemed what', () => {
    const r = parseRedemption({ id: 7, user: 'amy', reward: { id: 'r1', title: 'Hydrate', cost: 100 }, input: 'drink', status: 'unfulfilled' })!;
    expect(r.reward_title).toBe('Hydrate');
    expect(redemptionText(r)).toBe('amy redeemed Hydrate: drink');
    const f = parseEngagementFrame({ type: 'redemption', redemption: { id: 'a', user: 'bo', reward_title: 'Song' } });
    expect(f?.kind === 'redemption' && redemptionText(f.redemption)).toBe('bo redeemed Song');
    expect(parseEngagementFrame({ type: 'msg' })).toBeNull();
    // The node's shapes: the REST answer names the reward by id (title beside it), the frame by title.
    const rest = parseRedemption({ id: 'd1', reward: 'r3', title: 'Hydrate', user: 'amy', input: '', cost: 100, status: 'unfulfilled', redeemed_at_ms: 9 })!;
    expect(rest).toMatchObject({ id: 'd1', reward_id: 'r3', reward_title: 'Hydrate', at_ms: 9 });
    const frame = parseEngagementFrame({ type: 'redemption', redemption: { user: 'amy', reward: 'Hydrate', input: 'now' } });
    expect(frame?.kind === 'redemption' && redemptionText(frame.redemption)).toBe('amy redeemed Hydrate: now');
  });
});

describe('form checks mirror the server limits', () => {
  it('polls', () => {
    const ok = checkPoll({ title: ' Map? ', choices: ['a', ' b ', ''], duration_s: '60', points_per_vote: '' });
    expect(ok).toEqual({ ok: true, body: { title: 'Map?', choices: ['a', 'b'], duration_s: 60, points_per_vote: 0 } });
    const bad = checkPoll({ title: 'x'.repeat(61), choices: ['a'], duration_s: '10', points_per_vote: '1000001' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.errors).sort()).toEqual(['choices', 'duration_s', 'points_per_vote', 'title']);
    expect(checkPoll({ title: 't', choices: ['a', 'b'.repeat(26)], duration_s: '1800', points_per_vote: '5' }).ok).toBe(false);
    // Characters, not UTF-16 units: 60 emoji fit.
    expect(checkPoll({ title: '🔥'.repeat(60), choices: ['a', 'b'], duration_s: '15', points_per_vote: '0' }).ok).toBe(true);
  });
  it('predictions', () => {
    expect(checkPrediction({ title: 'Win?', outcomes: ['y', 'n'], window_s: '30' }).ok).toBe(true);
    const bad = checkPrediction({ title: '', outcomes: Array.from({ length: 11 }, (_, i) => `o${i}`), window_s: '29' });
    expect(bad.ok ? [] : Object.keys(bad.errors).sort()).toEqual(['outcomes', 'title', 'window_s']);
  });
  it('rewards', () => {
    const ok = checkReward({ ...EMPTY_REWARD_FORM, title: 'Hydrate', cost: '500', cooldown_s: '' }, 3);
    expect(ok).toEqual({
      ok: true,
      body: { title: 'Hydrate', cost: 500, prompt: '', user_input: false, cooldown_s: 0, max_per_stream: 0, max_per_user_per_stream: 0, enabled: true },
    });
    const bad = checkReward({ ...EMPTY_REWARD_FORM, title: 'x'.repeat(46), cost: '0', prompt: 'p'.repeat(201), cooldown_s: '604801', max_per_stream: '-1' }, 0);
    expect(bad.ok ? [] : Object.keys(bad.errors).sort()).toEqual(['cooldown_s', 'cost', 'max_per_stream', 'prompt', 'title']);
    expect(checkReward({ ...EMPTY_REWARD_FORM, title: 'x', cost: '10000001' }).ok).toBe(false);
    const full = checkReward({ ...EMPTY_REWARD_FORM, title: 'x' }, 50);
    expect(full.ok ? null : full.errors.count).toMatch(/50/);
    // Editing one of 50 is fine.
    expect(checkReward({ ...EMPTY_REWARD_FORM, title: 'x' }, 49, false).ok).toBe(true);
  });
  it('redeem input and stakes', () => {
    expect(checkRedeemInput('', true)).toMatch(/needs/);
    expect(checkRedeemInput('', false)).toBeNull();
    expect(checkRedeemInput('x'.repeat(201), false)).toMatch(/200/);
    expect(checkStake('100', 500)).toEqual({ ok: true, points: 100 });
    expect(checkStake('600', 500).ok).toBe(false);
    expect(checkStake('250001', null).ok).toBe(false);
    expect(checkStake('1.5', null).ok).toBe(false);
  });
});
