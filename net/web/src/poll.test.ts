import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPolling } from './poll';

describe('startPolling', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs immediately and then every interval', async () => {
    const task = vi.fn(async () => {});
    const p = startPolling(task, { intervalMs: 2000 });
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(task).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(4000);
    expect(task).toHaveBeenCalledTimes(4);
    p.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(task).toHaveBeenCalledTimes(4);
  });

  it('never overlaps slow tasks', async () => {
    let active = 0;
    let maxActive = 0;
    const task = vi.fn(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 5000));
      active--;
    });
    const p = startPolling(task, { intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(maxActive).toBe(1);
    // each cycle = 5 s work + 1 s wait
    expect(task.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(task.mock.calls.length).toBeLessThanOrEqual(4);
    p.stop();
  });

  it('reports errors and keeps polling', async () => {
    const onError = vi.fn();
    let n = 0;
    const task = vi.fn(async () => {
      if (n++ === 0) throw new Error('boom');
    });
    const p = startPolling(task, { intervalMs: 1000, onError });
    await vi.advanceTimersByTimeAsync(1000);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(task).toHaveBeenCalledTimes(2);
    p.stop();
  });

  it('aborts the signal on stop and swallows the resulting error', async () => {
    const onError = vi.fn();
    let seen: AbortSignal | null = null;
    const task = vi.fn(
      (signal: AbortSignal) =>
        new Promise<void>((_, reject) => {
          seen = signal;
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    );
    const p = startPolling(task, { intervalMs: 1000, onError });
    await vi.advanceTimersByTimeAsync(0);
    p.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen!.aborted).toBe(true);
    expect(onError).not.toHaveBeenCalled();
  });

  it('kick runs the task early', async () => {
    const task = vi.fn(async () => {});
    const p = startPolling(task, { intervalMs: 5000 });
    await vi.advanceTimersByTimeAsync(0);
    p.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(2);
    p.stop();
  });
});
