import type { BrowserContext } from "playwright-core";

/** How one `BrowserPool.withContext` call wants its context. */
export interface ContextLeaseOptions {
  /**
   * Calls with the same key share one context (cookies, storage, cache) while it lives; build it
   * with `contextShareKey(workspaceId, jobId)`, since pages of different jobs must never share.
   * Without a key the context is private to the call and closed after it.
   */
  shareKey?: string;
  /** Aborts image, media and font requests of pages rendered with renderPage, after the SSRF guard's check. */
  blockResources?: boolean;
}

/** The share key of one job's pages; JSON keeps ("a:b", "c") and ("a", "b:c") apart. */
export function contextShareKey(workspaceId: string, jobId: string): string {
  return JSON.stringify([workspaceId, jobId]);
}

/** One context and the pages leased on it; `Slot` is the pool's browser record. */
export interface LeasedContext<Slot> {
  /** Null for a private context, which serves exactly one call. */
  readonly key: string | null;
  readonly slot: Slot;
  readonly ready: Promise<BrowserContext>;
  /** Calls using the context now. */
  active: number;
  /** Calls that were handed the context, finished or not. */
  served: number;
  /** Takes no new calls; it closes once `active` is 0. */
  retired: boolean;
  idleTimer: NodeJS.Timeout | null;
  closing: Promise<void> | null;
}

export interface ContextShelfOptions<Slot> {
  maxPagesPerContext: number;
  contextIdleMs: number;
  /** Closes a context no call uses any more and settles the pool's books; called once per context. */
  close(entry: LeasedContext<Slot>): Promise<void>;
}

/** The internal key: a lease that blocks resources must not join one that does not, or the reverse. */
export function shelfKey(options: ContextLeaseOptions): string | null {
  return options.shareKey === undefined ? null : JSON.stringify([options.shareKey, options.blockResources === true]);
}

/**
 * The shared contexts by key, with their page counts and idle timers. It decides when a context
 * stops taking calls (page budget, idle, browser retired) and when it closes (no call left).
 */
export class ContextShelf<Slot> {
  private readonly byKey = new Map<string, LeasedContext<Slot>>();

  constructor(private readonly options: ContextShelfOptions<Slot>) {}

  /** The shared context for `key` on `slot`, if one still takes calls. */
  find(key: string, slot: Slot): LeasedContext<Slot> | null {
    const entry = this.byKey.get(key);
    if (entry === undefined) return null;
    // A context of a browser the pool no longer hands out must not be joined; retiring that browser should have dropped it.
    if (entry.slot !== slot || entry.retired) {
      void this.retire(entry);
      return null;
    }
    return entry;
  }

  add(entry: LeasedContext<Slot>): void {
    if (entry.key !== null) this.byKey.set(entry.key, entry);
  }

  /** Counts a call on the context; its last permitted call takes it off the shelf. */
  begin(entry: LeasedContext<Slot>): void {
    this.clearIdle(entry);
    entry.active += 1;
    entry.served += 1;
    if (entry.key === null || entry.served >= this.options.maxPagesPerContext) void this.retire(entry);
  }

  /** Ends a call; resolves once the context is closed if this was its last one. */
  end(entry: LeasedContext<Slot>): Promise<void> {
    entry.active -= 1;
    if (entry.active > 0) return Promise.resolve();
    if (entry.retired) return this.closeOnce(entry);
    entry.idleTimer = setTimeout(() => void this.retire(entry), this.options.contextIdleMs);
    // An idle context must not keep the process alive; close() retires it anyway.
    entry.idleTimer.unref();
    return Promise.resolve();
  }

  /** Stops handing the context out; closes it now if no call uses it. */
  retire(entry: LeasedContext<Slot>): Promise<void> {
    if (!entry.retired) {
      entry.retired = true;
      this.clearIdle(entry);
      if (entry.key !== null && this.byKey.get(entry.key) === entry) this.byKey.delete(entry.key);
    }
    return entry.active === 0 ? this.closeOnce(entry) : Promise.resolve();
  }

  /** Retires every shared context of a browser (recycled, crashed or closing). */
  retireSlot(slot: Slot): Promise<void> {
    const entries = [...this.byKey.values()].filter((entry) => entry.slot === slot);
    return Promise.all(entries.map((entry) => this.retire(entry))).then(() => undefined);
  }

  retireAll(): Promise<void> {
    return Promise.all([...this.byKey.values()].map((entry) => this.retire(entry))).then(() => undefined);
  }

  private closeOnce(entry: LeasedContext<Slot>): Promise<void> {
    entry.closing ??= this.options.close(entry);
    return entry.closing;
  }

  private clearIdle(entry: LeasedContext<Slot>): void {
    if (entry.idleTimer !== null) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
  }
}
