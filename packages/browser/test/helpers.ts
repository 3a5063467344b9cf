import { checkTargetUrl, type TargetVerdict } from "@browserfleet/core";
import { afterAll, beforeAll } from "vitest";
import { startFixtureSite, type FixtureSite } from "../../../test/support/fixture-site.ts";
import { memoryLogger } from "../../egress/test/helpers.ts";
import { BrowserPool, LOOPBACK_ONLY_RESOLVER_ARG, type BrowserPoolOptions, type RenderRequest } from "../src/index.ts";

// The proxy's test helpers serve the render tests too: one local server and one test policy for both packages.
export { closedPort, html, memoryLogger, startLocalServer, testEgress, testLookup, waitFor, type LocalServer } from "../../egress/test/helpers.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function testPool(options: Partial<BrowserPoolOptions> = {}): BrowserPool {
  return new BrowserPool({
    chromiumPath: CHROMIUM_PATH,
    extraArgs: [LOOPBACK_ONLY_RESOLVER_ARG],
    recycleAfterPages: 1000,
    logger: memoryLogger(),
    ...options,
  });
}

/** A fixture site and a started test pool for the file, closed after it. */
export function useSiteAndPool(options: Partial<BrowserPoolOptions> = {}): { readonly site: FixtureSite; readonly pool: BrowserPool } {
  let site: FixtureSite | undefined;
  let pool: BrowserPool | undefined;
  beforeAll(async () => {
    site = await startFixtureSite();
    pool = testPool(options);
    await pool.start();
  });
  afterAll(async () => {
    await pool?.close();
    await site?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the site and pool are not ready before beforeAll");
    return value;
  };
  return {
    get site() {
      return ready(site);
    },
    get pool() {
      return ready(pool);
    },
  };
}

/** Core's SSRF check with loopback allowed (tests only), no DNS, and some local ports refused. */
export function loopbackGuard(refusedPorts: number[] = []): (url: string) => Promise<TargetVerdict> {
  return async (url) => {
    const parsed = new URL(url);
    if (refusedPorts.includes(Number(parsed.port))) return { allowed: false, reason: `port ${parsed.port} is refused by the test guard` };
    return checkTargetUrl(url, {
      allowLoopback: true,
      lookup: async () => {
        throw new Error("tests resolve nothing");
      },
    });
  };
}

export function renderRequest(url: string, overrides: Partial<RenderRequest> = {}): RenderRequest {
  return { url, formats: ["html"], maxChars: 100_000, timeoutMs: 15_000, waitUntil: "load", fullPage: false, ...overrides };
}

/** Kills the pool's Chromium; refuses anything but a real pid, since kill(0) would hit the test's own process group. */
export function killBrowser(pool: BrowserPool): number {
  const pid = pool.stats().browserPid;
  if (pid === null || !Number.isInteger(pid) || pid <= 1 || pid === process.pid) throw new Error(`no browser pid to kill: ${pid}`);
  process.kill(pid, "SIGKILL");
  return pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** For a fixture server holding a response until something happened: resolves then, or once `boundMs` passed (never throws). */
export async function holdUntil(condition: () => boolean, boundMs: number): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
