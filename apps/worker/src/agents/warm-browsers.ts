import type { Logger } from "pino";
import type { AgentBrowser, AgentBrowserLauncher, AgentLaunchOptions } from "@browserfleet/browser";

/**
 * A few blank agent browsers started ahead of need (AGENT_WARM_POOL), so placing a burner skips
 * the launch. A warm browser that died while waiting is dropped (and its profile dir and proxy
 * closed); each take starts a replacement.
 *
 * Never more launches at once than are needed: a refill waits while a session's own launch runs
 * (two Chromiums starting side by side on a small machine make the session's start slower), and a
 * take that finds the pool empty but a warm launch under way waits for that one instead of
 * starting another.
 */
export class WarmBrowsers {
  private readonly ready: AgentBrowser[] = [];
  /** Warm launches under way. */
  private launching = 0;
  /** Launches a session is waiting on (take with nothing warm, launchFresh): refills wait for these. */
  private sessionLaunches = 0;
  /** Takes waiting for a warm launch under way; null tells one to launch its own. */
  private readonly waiters: ((browser: AgentBrowser | null) => void)[] = [];
  private closed = false;

  constructor(
    private readonly launcher: AgentBrowserLauncher,
    private readonly size: number,
    private readonly logger: Logger,
  ) {}

  /** Starts filling the pool in the background (unless a session's launch is running: then once it is done). */
  fill(): void {
    // A take waiting on a warm launch is a session's launch too.
    while (!this.closed && this.sessionLaunches === 0 && this.waiters.length === 0 && this.ready.length + this.launching < this.size) this.launchWarm();
  }

  /** A started browser (its egress metered from now), the warm launch under way, or a fresh launch when neither. */
  async take(): Promise<AgentBrowser> {
    const warm = this.ready.shift();
    if (warm) return this.handOver(warm);
    if (this.launching > this.waiters.length) {
      const browser = await new Promise<AgentBrowser | null>((resolve) => this.waiters.push(resolve));
      if (browser !== null) return this.handOver(browser);
    }
    return this.sessionLaunch();
  }

  /** A browser of its own, never a warm one: a persistent agent's starts from its saved profile. */
  launchFresh(options: AgentLaunchOptions): Promise<AgentBrowser> {
    return this.sessionLaunch(options);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(null);
    await Promise.all(this.ready.splice(0).map((b) => b.close()));
  }

  private handOver(browser: AgentBrowser): AgentBrowser {
    browser.meterFromNow();
    this.fill();
    return browser;
  }

  private async sessionLaunch(options?: AgentLaunchOptions): Promise<AgentBrowser> {
    this.sessionLaunches += 1;
    try {
      return await this.launcher.launch(options);
    } finally {
      this.sessionLaunches -= 1;
      this.fill();
    }
  }

  private launchWarm(): void {
    this.launching += 1;
    this.launcher.launch().then(
      (browser) => {
        this.launching -= 1;
        this.arrived(browser);
      },
      (err: unknown) => {
        this.launching -= 1;
        this.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "could not start a warm agent browser");
        this.arrived(null);
      },
    );
  }

  private arrived(browser: AgentBrowser | null): void {
    const waiter = this.waiters.shift();
    if (waiter) return waiter(browser);
    if (browser === null) return;
    if (this.closed) return void browser.close();
    this.ready.push(browser);
    void browser.exited.then(() => this.drop(browser));
  }

  private drop(browser: AgentBrowser): void {
    const i = this.ready.indexOf(browser);
    if (i < 0) return;
    this.ready.splice(i, 1);
    // Its profile dir and egress proxy go with it.
    void browser.close().catch(() => undefined);
    if (!this.closed) this.fill();
  }
}
