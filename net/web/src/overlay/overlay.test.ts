import { describe, expect, it } from 'vitest';
import { IDLE_TRAIN, parsePoll, parsePrediction } from '../engagement/model';
import { OVERLAY_LINGER_MS, pollVisible, predictionVisible, trainVisible } from './visibility';

const poll = (state: string) => parsePoll({ id: 'p', title: 't', choices: [{ title: 'a', votes: 1 }, { title: 'b', votes: 0 }], state, ends_at_ms: 10_000 })!;
const prediction = (state: string) => parsePrediction({ id: 'x', title: 't', outcomes: [{ title: 'y' }, { title: 'n' }], state })!;

describe('overlay visibility', () => {
  it('shows nothing when idle', () => {
    expect(pollVisible(null, 0)).toBe(false);
    expect(predictionVisible(null, null, 0)).toBe(false);
    expect(trainVisible(null, 0)).toBe(false);
    expect(trainVisible(IDLE_TRAIN, 0)).toBe(false);
    expect(trainVisible({ ...IDLE_TRAIN, state: 'cooldown' }, 0)).toBe(false);
  });
  it('shows a running poll, and its result for a minute after the end', () => {
    expect(pollVisible(poll('active'), 50_000)).toBe(true);
    expect(pollVisible(poll('ended'), 10_000 + OVERLAY_LINGER_MS - 1)).toBe(true);
    expect(pollVisible(poll('ended'), 10_000 + OVERLAY_LINGER_MS)).toBe(false);
    // Ended early: a minute from when it ended, not from when it was due to.
    const early = { ...poll('ended'), ends_at_ms: 500_000, ended_at_ms: 10_000 };
    expect(pollVisible(early, 10_000 + OVERLAY_LINGER_MS)).toBe(false);
  });
  it('shows a prediction until a minute after this page saw it finish', () => {
    expect(predictionVisible(prediction('locked'), null, 5)).toBe(true);
    expect(predictionVisible(prediction('resolved'), null, 5)).toBe(false);
    expect(predictionVisible(prediction('canceled'), 1000, 1000 + OVERLAY_LINGER_MS - 1)).toBe(true);
    expect(predictionVisible(prediction('resolved'), 1000, 1000 + OVERLAY_LINGER_MS)).toBe(false);
  });
  it('shows the train while it runs', () => {
    expect(trainVisible({ ...IDLE_TRAIN, state: 'active', ends_at_ms: 100 }, 99)).toBe(true);
    expect(trainVisible({ ...IDLE_TRAIN, state: 'active', ends_at_ms: 100 }, 100)).toBe(false);
  });
});
