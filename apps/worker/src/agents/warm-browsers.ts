import type { Logger } from "pino";
import type { AgentBrowser, AgentBrowserLauncher, AgentLaunchOptions } from "@browserfleet/browser";

/**
 * A few blank agent browsers started ahead of need (AGENT_WARM_POOL), so placing a burner skips
 * the launch. A warm browser that died while waiting is dropped; each take starts a replacement.
 */
export class WarmBrowsers {
  private readonly ready: AgentBrowser[] = [];
  private launching = 0;
  private closed = false;

  constructor(
    private readonly launcher: AgentBrowserLauncher,
    private readonly size: number,
    private readonly logger: Logger,
  ) {}

  /** Starts filling the pool in the background. */
  fill(): void {
    while (!this.closed && this.ready.length + this.launching < this.size) {
      this.launching += 1;
      this.launcher
        .launch()
        .then((browser) => {
          if (this.closed) return browser.close();
          this.ready.push(browser);
          void browser.exited.then(() => this.drop(browser));
        })
        .catch((err: unknown) => this.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "could not start a warm agent browser"))
        .finally(() => (this.launching -= 1));
    }
  }

  /** A started browser, or a fresh launch when none is warm. */
  async take(): Promise<AgentBrowser> {
    const browser = this.ready.shift();
    this.fill();
    return browser ?? this.launcher.launch();
  }

  /** A browser of its own, never a warm one: a persistent agent's starts from its saved profile. */
  launchFresh(options: AgentLaunchOptions): Promise<AgentBrowser> {
    return this.launcher.launch(options);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.ready.splice(0).map((b) => b.close()));
  }

  private drop(browser: AgentBrowser): void {
    const i = this.ready.indexOf(browser);
    if (i >= 0) this.ready.splice(i, 1);
    if (!this.closed) this.fill();
  }
}
