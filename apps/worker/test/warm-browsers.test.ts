import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { AgentBrowserLauncher, LOOPBACK_ONLY_RESOLVER_ARG, type AgentBrowser, type AgentLaunchOptions } from "@browserfleet/browser";
import { WarmBrowsers } from "../src/agents/warm-browsers.ts";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const logger = pino({ level: "silent" });

/** The real launcher, counting how many Chromiums are starting at once. */
class CountingLauncher extends AgentBrowserLauncher {
  inFlight = 0;
  maxInFlight = 0;
  launches = 0;

  constructor() {
    super({ chromiumPath: CHROMIUM_PATH, extraArgs: [LOOPBACK_ONLY_RESOLVER_ARG], logger });
  }

  override async launch(options?: AgentLaunchOptions): Promise<AgentBrowser> {
    this.launches += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await super.launch(options);
    } finally {
      this.inFlight -= 1;
    }
  }
}

const opened: AgentBrowser[] = [];
let pools: WarmBrowsers[] = [];
afterEach(async () => {
  await Promise.all([...opened.splice(0).map((b) => b.close()), ...pools.map((p) => p.close())]);
  pools = [];
});

const until = async (condition: () => boolean): Promise<void> => {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe("WarmBrowsers never starts more Chromiums at once than it needs", () => {
  it("take() on an empty pool launches the caller's browser alone, and refills only after it", async () => {
    const launcher = new CountingLauncher();
    const pool = new WarmBrowsers(launcher, 1, logger);
    pools.push(pool);
    const browser = await pool.take();
    opened.push(browser);
    // The caller's launch ran alone; the refill (keeping AGENT_WARM_POOL browsers ready) began as it ended.
    expect(launcher.maxInFlight).toBe(1);
    expect(launcher.launches).toBe(2);
    expect(launcher.inFlight).toBe(1);
    await until(() => launcher.inFlight === 0);
    expect(launcher.launches).toBe(2);
    expect(launcher.maxInFlight).toBe(1);
    const warm = await pool.take();
    opened.push(warm);
    expect(warm).not.toBe(browser);
    expect(warm.egressBytes()).toEqual({ up: 0, down: 0 });
  });

  it("take() while the warm launch is under way waits for that one instead of starting a second", async () => {
    const launcher = new CountingLauncher();
    const pool = new WarmBrowsers(launcher, 1, logger);
    pools.push(pool);
    pool.fill();
    expect(launcher.inFlight).toBe(1);
    const browser = await pool.take();
    opened.push(browser);
    // The warm launch went to the caller; only then the refill.
    expect(launcher.maxInFlight).toBe(1);
    expect(launcher.launches).toBe(2);
    await until(() => launcher.launches === 2 && launcher.inFlight === 0);
    expect(launcher.maxInFlight).toBe(1);
  });

  it("a refill waits for a persistent agent's own launch (launchFresh)", async () => {
    const launcher = new CountingLauncher();
    const pool = new WarmBrowsers(launcher, 1, logger);
    pools.push(pool);
    const fresh = pool.launchFresh({});
    pool.fill();
    expect(launcher.inFlight).toBe(1);
    opened.push(await fresh);
    await until(() => launcher.launches === 2 && launcher.inFlight === 0);
    expect(launcher.maxInFlight).toBe(1);
  });
});
