// Sequential polling: runs a task now, then again `intervalMs` after each
// completion (never overlapping), until stopped.

export interface Poller {
  stop(): void;
  /** Runs the task immediately (after any in-flight run) and re-arms the timer. */
  kick(): void;
}

export interface PollOptions {
  intervalMs: number;
  /** Called with errors thrown by the task; polling continues. */
  onError?: (err: unknown) => void;
}

export function startPolling(task: (signal: AbortSignal) => Promise<void>, opts: PollOptions): Poller {
  const ctrl = new AbortController();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let pendingKick = false;

  const schedule = (delay: number) => {
    if (ctrl.signal.aborted) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, delay);
  };

  async function run(): Promise<void> {
    timer = null;
    if (ctrl.signal.aborted) return;
    running = true;
    try {
      await task(ctrl.signal);
    } catch (err) {
      if (!ctrl.signal.aborted) opts.onError?.(err);
    } finally {
      running = false;
    }
    if (pendingKick) {
      pendingKick = false;
      schedule(0);
    } else {
      schedule(opts.intervalMs);
    }
  }

  schedule(0);
  return {
    stop() {
      ctrl.abort();
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
    kick() {
      if (running) pendingKick = true;
      else schedule(0);
    },
  };
}
