import type { Browser, BrowserContext } from "playwright-core";
import { ContextShelf, shelfKey, type ContextLeaseOptions, type LeasedContext } from "./context-lease.ts";
import { linkEgress } from "./egress-link.ts";
import { BrowserPoolClosedError, type BrowserPoolOptions, type BrowserPoolStats, type BrowserRestartReason } from "./pool-options.ts";
import { ChromiumLauncher } from "./chromium-launcher.ts";
import { closeContextWithin, errorMessage } from "./pool-support.ts";
import { blockHeavyResources } from "../render/resource-blocking.ts";

export { BrowserPoolClosedError, BROWSER_RESTART_REASONS, type BrowserPoolOptions, type BrowserPoolStats, type BrowserRestartReason } from "./pool-options.ts";

interface BrowserSlot {
  browser: Browser;
  pid: number | null;
  generation: number;
  pagesStarted: number;
  contexts: Set<LeasedContext<BrowserSlot>>;
  retired: boolean;
  closing: Promise<void> | null;
}

type Lease = LeasedContext<BrowserSlot>;

const DEFAULT_LAUNCH_TIMEOUT_MS = 30_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 15_000;
const CONTEXT_CLOSE_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_PAGES_PER_CONTEXT = 50;
const DEFAULT_CONTEXT_IDLE_MS = 5_000;

/**
 * One Chromium shared by many contexts. A call without a share key gets a fresh context closed
 * after it; calls with the same key (one job's pages) share a context until it has served
 * `maxPagesPerContext` calls or sat idle `contextIdleMs`. The browser is replaced after
 * `recycleAfterPages` calls or when it crashes, never under a running call.
 */
export class BrowserPool {
  private readonly options: BrowserPoolOptions;
  private readonly shelf: ContextShelf<BrowserSlot>;
  private readonly launcher: ChromiumLauncher;
  private current: BrowserSlot | null = null;
  private launching: Promise<BrowserSlot> | null = null;
  private readonly slots = new Set<BrowserSlot>();
  private launches = 0;
  private readonly restartReasons: Record<BrowserRestartReason, number> = { recycle: 0, crash: 0, context_close_timeout: 0 };
  private pagesRendered = 0;
  private contextsCreated = 0;
  private openContexts = 0;
  private activePages = 0;
  private closed = false;
  private drainWaiters: (() => void)[] = [];

  constructor(options: BrowserPoolOptions) {
    if (!isPositiveInteger(options.recycleAfterPages)) throw new RangeError("recycleAfterPages must be a positive integer");
    if (options.maxPagesPerContext !== undefined && !isPositiveInteger(options.maxPagesPerContext)) {
      throw new RangeError("maxPagesPerContext must be a positive integer");
    }
    if (options.contextIdleMs !== undefined && !(options.contextIdleMs >= 0)) throw new RangeError("contextIdleMs must be 0 or more");
    this.options = options;
    this.launcher = new ChromiumLauncher(options);
    this.shelf = new ContextShelf<BrowserSlot>({
      maxPagesPerContext: options.maxPagesPerContext ?? DEFAULT_MAX_PAGES_PER_CONTEXT,
      contextIdleMs: options.contextIdleMs ?? DEFAULT_CONTEXT_IDLE_MS,
      close: (entry) => this.closeLease(entry),
    });
  }

  /** Launches the browser now rather than on the first context. */
  async start(): Promise<void> {
    await this.acquire();
  }

  /**
   * Runs `fn` with a context: a private one by default, or the one shared by every call with the
   * same `shareKey`. `fn` must close the pages it opens; a shared context outlives the call.
   */
  async withContext<T>(fn: (context: BrowserContext) => Promise<T>, options: ContextLeaseOptions = {}): Promise<T> {
    const { entry, context } = await this.lease(options);
    try {
      return await fn(context);
    } finally {
      await this.release(entry, true);
    }
  }

  /** Stops new work, waits (bounded) for in-flight calls, then closes every context and browser. */
  async close(): Promise<void> {
    this.closed = true;
    const timeoutMs = this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    if (!(await this.waitForDrain(timeoutMs))) {
      this.options.logger.warn({ activePages: this.activePages, timeoutMs }, "closing chromium under in-flight contexts");
    }
    await this.launching?.catch(() => undefined);
    this.current = null;
    await this.shelf.retireAll();
    await Promise.all([...this.slots].map((slot) => this.closeSlot(slot)));
  }

  stats(): BrowserPoolStats {
    return {
      pagesRendered: this.pagesRendered,
      contextsCreated: this.contextsCreated,
      restarts: Math.max(0, this.launches - 1),
      restartsByReason: { ...this.restartReasons },
      openContexts: this.openContexts,
      activePages: this.activePages,
      browserPid: this.current?.pid ?? null,
    };
  }

  /** Counts a call on a live browser's context (joined or new); retries once if the browser just died. */
  private async lease(options: ContextLeaseOptions): Promise<{ entry: Lease; context: BrowserContext }> {
    const key = shelfKey(options);
    let crashRetried = false;
    for (let attempt = 0; ; attempt += 1) {
      const slot = await this.acquire();
      if (slot.retired || !slot.browser.isConnected()) {
        if (attempt < 5) continue;
        throw new Error("no live browser after relaunching");
      }
      const entry = (key === null ? null : this.shelf.find(key, slot)) ?? this.openLease(slot, key, options.blockResources === true);
      this.activePages += 1;
      this.shelf.begin(entry);
      slot.pagesStarted += 1;
      if (slot.pagesStarted >= this.options.recycleAfterPages) this.retire(slot, "recycle");
      try {
        return { entry, context: await entry.ready };
      } catch (err) {
        await this.release(entry, false);
        if (crashRetried || slot.browser.isConnected()) throw err;
        crashRetried = true;
        this.forget(slot);
      }
    }
  }

  private openLease(slot: BrowserSlot, key: string | null, blockResources: boolean): Lease {
    const ready = this.newContext(slot, blockResources);
    const entry: Lease = { key, slot, ready, active: 0, served: 0, retired: false, idleTimer: null, closing: null };
    slot.contexts.add(entry);
    this.openContexts += 1;
    this.contextsCreated += 1;
    this.shelf.add(entry);
    // A context closed under its callers (its browser died, or a caller closed it) must not be handed out again.
    ready.then(
      (context) => context.once("close", () => void this.shelf.retire(entry)),
      () => void this.shelf.retire(entry),
    );
    return entry;
  }

  private async newContext(slot: BrowserSlot, blockResources: boolean): Promise<BrowserContext> {
    const context = await slot.browser.newContext({ serviceWorkers: "block", acceptDownloads: false });
    if (this.options.egress !== undefined) linkEgress(context, this.options.egress);
    if (blockResources) blockHeavyResources(context);
    return context;
  }

  private async release(entry: Lease, rendered: boolean): Promise<void> {
    try {
      await this.shelf.end(entry);
    } finally {
      this.activePages -= 1;
      if (rendered) this.pagesRendered += 1;
      if (this.activePages === 0) this.notifyDrained();
    }
  }

  /** The shelf calls this once per context, when no call uses it any more. */
  private async closeLease(entry: Lease): Promise<void> {
    const { slot } = entry;
    try {
      const context = await entry.ready.catch(() => null);
      if (context !== null) await this.closeContext(slot, context);
    } finally {
      slot.contexts.delete(entry);
      this.openContexts -= 1;
      if (slot.retired && slot.contexts.size === 0) void this.closeSlot(slot);
    }
  }

  private async acquire(): Promise<BrowserSlot> {
    if (this.closed) throw new BrowserPoolClosedError();
    const slot = this.current;
    if (slot !== null && !slot.retired && slot.browser.isConnected()) return slot;
    this.launching ??= this.launch()
      .catch((err: unknown) => {
        this.options.logger.error({ err: errorMessage(err) }, "chromium failed to launch");
        throw err;
      })
      .finally(() => {
        this.launching = null;
      });
    return this.launching;
  }

  private async launch(): Promise<BrowserSlot> {
    const startedAt = performance.now();
    const { browser, pid } = await this.launcher.launch(DEFAULT_LAUNCH_TIMEOUT_MS);
    if (this.closed) {
      await browser.close().catch(() => undefined);
      throw new BrowserPoolClosedError();
    }
    this.launches += 1;
    const slot: BrowserSlot = { browser, pid, generation: this.launches, pagesStarted: 0, contexts: new Set(), retired: false, closing: null };
    browser.on("disconnected", () => this.onDisconnected(slot));
    this.slots.add(slot);
    this.current = slot;
    this.options.logger.info(
      { pid, generation: slot.generation, launchMs: Math.round(performance.now() - startedAt) },
      "chromium launched",
    );
    return slot;
  }

  private onDisconnected(slot: BrowserSlot): void {
    const expected = slot.closing !== null;
    this.forget(slot);
    void this.shelf.retireSlot(slot);
    if (!expected) {
      this.restartReasons.crash += 1;
      this.options.logger.warn(
        { pid: slot.pid, generation: slot.generation, openContexts: slot.contexts.size },
        "chromium disconnected unexpectedly; the next context relaunches it",
      );
    }
  }

  /** New work goes to a new browser; this one closes once its last context is closed. */
  private retire(slot: BrowserSlot, reason: Exclude<BrowserRestartReason, "crash">): void {
    if (slot.retired) return;
    slot.retired = true;
    this.restartReasons[reason] += 1;
    if (this.current === slot) this.current = null;
    this.options.logger.debug({ pid: slot.pid, generation: slot.generation, reason, pages: slot.pagesStarted }, "chromium retired");
    void this.shelf.retireSlot(slot);
    if (slot.contexts.size === 0) void this.closeSlot(slot);
  }

  private forget(slot: BrowserSlot): void {
    slot.retired = true;
    this.slots.delete(slot);
    if (this.current === slot) this.current = null;
  }

  private closeSlot(slot: BrowserSlot): Promise<void> {
    slot.closing ??= (async () => {
      slot.retired = true;
      if (this.current === slot) this.current = null;
      try {
        await slot.browser.close();
      } catch (err) {
        this.options.logger.warn({ pid: slot.pid, err: errorMessage(err) }, "closing chromium failed");
      } finally {
        this.slots.delete(slot);
      }
    })();
    return slot.closing;
  }

  private async closeContext(slot: BrowserSlot, context: BrowserContext): Promise<void> {
    try {
      if ((await closeContextWithin(context, CONTEXT_CLOSE_TIMEOUT_MS)) === "timeout") {
        this.options.logger.error({ pid: slot.pid, generation: slot.generation }, "context did not close in time; retiring its browser");
        this.retire(slot, "context_close_timeout");
      }
    } catch (err) {
      // A context on a crashed browser cannot close and needs not.
      if (slot.browser.isConnected()) this.options.logger.warn({ err: errorMessage(err) }, "closing a context failed");
    }
  }

  private waitForDrain(timeoutMs: number): Promise<boolean> {
    if (this.activePages === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.drainWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private notifyDrained(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }
}

function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value >= 1;
}
