import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { BASE_CHROMIUM_ARGS, egressChromiumArgs } from "./chromium-args.ts";
import { linkEgress } from "./egress-link.ts";
import type { EgressLink } from "./egress-proxy.ts";

/** The pino subset the pool logs through. */
export interface PoolLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface BrowserPoolOptions {
  chromiumPath: string;
  extraArgs?: string[];
  /** Contexts one browser serves before it is replaced (a long-lived Chromium grows and leaks). */
  recycleAfterPages: number;
  launchTimeoutMs?: number;
  /** How long close() waits for in-flight contexts before closing the browser under them. */
  closeTimeoutMs?: number;
  logger: PoolLogger;
  /** Sends all of Chromium's traffic through this egress proxy (startEgressProxy); the caller closes it after the pool. */
  egress?: EgressLink;
}

export interface BrowserPoolStats {
  /** Contexts that have finished (one page each in the fleet's use). */
  pagesRendered: number;
  /** Browsers launched to replace another one (recycling or a crash). */
  restarts: number;
  openContexts: number;
  /** The current Chromium's main process, for operators and crash tests. */
  browserPid: number | null;
}

export class BrowserPoolClosedError extends Error {
  constructor() {
    super("the browser pool is closed");
    this.name = "BrowserPoolClosedError";
  }
}

interface BrowserSlot {
  browser: Browser;
  pid: number | null;
  generation: number;
  contextsStarted: number;
  open: number;
  retired: boolean;
  closing: Promise<void> | null;
}

const DEFAULT_LAUNCH_TIMEOUT_MS = 30_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 15_000;
const CONTEXT_CLOSE_TIMEOUT_MS = 10_000;

/**
 * One Chromium shared by many short-lived contexts. A fresh context per call keeps callers
 * isolated; the browser is replaced after `recycleAfterPages` contexts or when it crashes.
 */
export class BrowserPool {
  private readonly options: BrowserPoolOptions;
  private current: BrowserSlot | null = null;
  private launching: Promise<BrowserSlot> | null = null;
  private readonly slots = new Set<BrowserSlot>();
  private launches = 0;
  private pagesRendered = 0;
  private openContexts = 0;
  private closed = false;
  private drainWaiters: (() => void)[] = [];

  constructor(options: BrowserPoolOptions) {
    if (!Number.isInteger(options.recycleAfterPages) || options.recycleAfterPages < 1) {
      throw new RangeError("recycleAfterPages must be a positive integer");
    }
    this.options = options;
  }

  /** Launches the browser now rather than on the first context. */
  async start(): Promise<void> {
    await this.acquire();
  }

  async withContext<T>(fn: (context: BrowserContext) => Promise<T>): Promise<T> {
    const { slot, context } = await this.openContext();
    try {
      return await fn(context);
    } finally {
      await this.closeContext(slot, context);
      slot.open -= 1;
      this.openContexts -= 1;
      this.pagesRendered += 1;
      if (slot.retired && slot.open === 0) void this.closeSlot(slot);
      if (this.openContexts === 0) this.notifyDrained();
    }
  }

  /** Stops new work, waits (bounded) for in-flight contexts, then closes every browser. */
  async close(): Promise<void> {
    this.closed = true;
    const timeoutMs = this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    if (!(await this.waitForDrain(timeoutMs))) {
      this.options.logger.warn({ openContexts: this.openContexts, timeoutMs }, "closing chromium under in-flight contexts");
    }
    await this.launching?.catch(() => undefined);
    this.current = null;
    await Promise.all([...this.slots].map((slot) => this.closeSlot(slot)));
  }

  stats(): BrowserPoolStats {
    return {
      pagesRendered: this.pagesRendered,
      restarts: Math.max(0, this.launches - 1),
      openContexts: this.openContexts,
      browserPid: this.current?.pid ?? null,
    };
  }

  /** Reserves a place on a live browser and opens a context there; retries once if the browser just died. */
  private async openContext(): Promise<{ slot: BrowserSlot; context: BrowserContext }> {
    let crashRetried = false;
    for (let attempt = 0; ; attempt += 1) {
      const slot = await this.acquire();
      if (slot.retired || !slot.browser.isConnected()) {
        if (attempt < 5) continue;
        throw new Error("no live browser after relaunching");
      }
      slot.contextsStarted += 1;
      slot.open += 1;
      this.openContexts += 1;
      if (slot.contextsStarted >= this.options.recycleAfterPages) this.retire(slot, "recycle");
      try {
        const context = await slot.browser.newContext({ serviceWorkers: "block", acceptDownloads: false });
        if (this.options.egress !== undefined) linkEgress(context, this.options.egress);
        return { slot, context };
      } catch (err) {
        slot.open -= 1;
        this.openContexts -= 1;
        if (slot.retired && slot.open === 0) void this.closeSlot(slot);
        if (this.openContexts === 0) this.notifyDrained();
        if (crashRetried || slot.browser.isConnected()) throw err;
        crashRetried = true;
        this.forget(slot);
      }
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
    const egressArgs = this.options.egress === undefined ? [] : egressChromiumArgs(this.options.egress.url);
    const browser = await chromium.launch({
      executablePath: this.options.chromiumPath,
      headless: true,
      args: [...BASE_CHROMIUM_ARGS, ...egressArgs, ...(this.options.extraArgs ?? [])],
      timeout: this.options.launchTimeoutMs ?? DEFAULT_LAUNCH_TIMEOUT_MS,
      // The app drains on SIGTERM/SIGINT and closes the pool itself; Playwright must not kill Chromium first.
      handleSIGINT: false,
      handleSIGTERM: false,
    });
    const pid = await browserPid(browser);
    if (this.closed) {
      await browser.close().catch(() => undefined);
      throw new BrowserPoolClosedError();
    }
    this.launches += 1;
    const slot: BrowserSlot = { browser, pid, generation: this.launches, contextsStarted: 0, open: 0, retired: false, closing: null };
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
    if (!expected) {
      this.options.logger.warn(
        { pid: slot.pid, generation: slot.generation, openContexts: slot.open },
        "chromium disconnected unexpectedly; the next context relaunches it",
      );
    }
  }

  /** New work goes to a new browser; this one closes once its last context is closed. */
  private retire(slot: BrowserSlot, reason: string): void {
    if (slot.retired) return;
    slot.retired = true;
    if (this.current === slot) this.current = null;
    this.options.logger.debug({ pid: slot.pid, generation: slot.generation, reason, contexts: slot.contextsStarted }, "chromium retired");
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

  /** Bounded, because a wedged renderer must not hold a worker slot forever. */
  private async closeContext(slot: BrowserSlot, context: BrowserContext): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), CONTEXT_CLOSE_TIMEOUT_MS);
    });
    try {
      const outcome = await Promise.race([context.close().then(() => "closed" as const), timedOut]);
      if (outcome === "timeout") {
        this.options.logger.error({ pid: slot.pid, generation: slot.generation }, "context did not close in time; retiring its browser");
        this.retire(slot, "context close timeout");
      }
    } catch (err) {
      // A context on a crashed browser cannot close and needs not.
      if (slot.browser.isConnected()) this.options.logger.warn({ err: errorMessage(err) }, "closing a context failed");
    } finally {
      clearTimeout(timer);
    }
  }

  private waitForDrain(timeoutMs: number): Promise<boolean> {
    if (this.openContexts === 0) return Promise.resolve(true);
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

/** Playwright has no pid accessor for a launched browser; CDP's SystemInfo names the browser process. */
async function browserPid(browser: Browser): Promise<number | null> {
  try {
    const session = await browser.newBrowserCDPSession();
    const { processInfo } = await session.send("SystemInfo.getProcessInfo");
    await session.detach();
    return processInfo.find((info) => info.type === "browser")?.id ?? null;
  } catch {
    return null;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
