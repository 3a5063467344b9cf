import type { Redis } from "ioredis";
import { subscribeJobEvents } from "@browserfleet/queue";
import type { Logger } from "pino";

export interface JobWaiterOptions {
  /** A dedicated connection: a subscribed ioredis client can do nothing else. */
  subscriber: Redis;
  /** The queue prefix whose `finished` job events wake waiters. */
  prefix: string;
  /** Reads Postgres, the truth: covers messages lost while Redis blinked. */
  isTerminal: (jobId: string) => Promise<boolean>;
  pollMs: number;
  logger: Logger;
  /** Subscribes to the signal that wakes waiters; default: jobs' `finished` events. */
  listen?: (subscriber: Redis, wake: (id: string) => void) => Promise<void>;
}

/** Why a wait ended: the job is terminal, the wait's time ran out, or this process is shutting down. */
export type WaitOutcome = "terminal" | "timeout" | "closing";

/**
 * Lets requests wait for a job to finish (sync quick calls, ?wait long-polls) without
 * holding a Redis connection each: one subscription per process fans out to waiters.
 */
export class JobWaiter {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly options: JobWaiterOptions;
  private closed = false;

  constructor(options: JobWaiterOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    const wake = (id: string): void => this.wake(id);
    if (this.options.listen) await this.options.listen(this.options.subscriber, wake);
    else await subscribeJobEvents(this.options.subscriber, this.options.prefix, { finished: wake });
  }

  /** Resolves once the job is terminal, timeoutMs has passed, or the waiter is closing (at once if it already is). */
  async waitForTerminal(jobId: string, timeoutMs: number): Promise<WaitOutcome> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      let wake: () => void = () => undefined;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      this.add(jobId, wake);
      let timer: NodeJS.Timeout | undefined;
      try {
        // Registered before reading Postgres, so a finish between the read and the wait still wakes us.
        if (await this.safeIsTerminal(jobId)) return "terminal";
        const left = deadline - Date.now();
        if (left <= 0) return "timeout";
        await Promise.race([woken, new Promise<void>((r) => (timer = setTimeout(r, Math.min(left, this.options.pollMs))))]);
      } finally {
        clearTimeout(timer);
        this.remove(jobId, wake);
      }
    }
    return "closing";
  }

  private add(jobId: string, wake: () => void): void {
    const set = this.waiters.get(jobId) ?? new Set();
    set.add(wake);
    this.waiters.set(jobId, set);
  }

  private remove(jobId: string, wake: () => void): void {
    const set = this.waiters.get(jobId);
    set?.delete(wake);
    if (set?.size === 0) this.waiters.delete(jobId);
  }

  private async safeIsTerminal(jobId: string): Promise<boolean> {
    try {
      return await this.options.isTerminal(jobId);
    } catch (err) {
      this.options.logger.warn({ err, job_id: jobId }, "could not read job state while waiting");
      return false;
    }
  }

  private wake(jobId: string): void {
    for (const wake of this.waiters.get(jobId) ?? []) wake();
  }

  /** The first step of shutdown: every wait ends now (and later ones at once), so open requests can answer before the server closes. */
  async close(): Promise<void> {
    this.closed = true;
    for (const set of this.waiters.values()) for (const wake of set) wake();
    this.options.subscriber.disconnect();
  }
}
