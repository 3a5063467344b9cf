interface Waiter {
  grant(release: () => void): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * A concurrency cap whose waiters are served round-robin by group (a workspace), so one group
 * with a thousand waiting lookups delays another group's next one by at most one slot's time.
 */
export class FairSlots {
  private active = 0;
  /** Groups in serving order: the group served last moves to the back. */
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  get inUse(): number {
    return this.active;
  }

  /** Resolves with the slot's release function; rejects with the signal's reason if it aborts first. */
  acquire(group: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.active < this.limit && this.waiting.size === 0) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        signal,
        onAbort: () => {
          const queue = this.waiting.get(group);
          const at = queue?.indexOf(waiter) ?? -1;
          if (queue !== undefined && at >= 0) {
            queue.splice(at, 1);
            if (queue.length === 0) this.waiting.delete(group);
          }
          reject(signal!.reason as Error);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      const queue = this.waiting.get(group);
      if (queue === undefined) this.waiting.set(group, [waiter]);
      else queue.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.grantNext();
    };
  }

  private grantNext(): void {
    while (this.active < this.limit) {
      const next = this.waiting.entries().next();
      if (next.done === true) return;
      const [group, queue] = next.value;
      const waiter = queue.shift()!;
      this.waiting.delete(group);
      if (queue.length > 0) this.waiting.set(group, queue);
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      this.active += 1;
      waiter.grant(this.releaser());
    }
  }
}
