export interface PeriodicTask {
  /** Stops the timer and waits for the run in progress, if any. */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `intervalMs`, one run at a time (a slow run is not stacked on by the next
 * tick), without keeping the process alive. `run` handles its own errors: a sweep logs and
 * waits for the next tick.
 */
export function startPeriodicTask(intervalMs: number, run: () => Promise<void>): PeriodicTask {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= run().finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
