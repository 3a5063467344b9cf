import { connect } from "node:net";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EgressProxy } from "@browserfleet/egress";
import { AgentBrowserLauncher, type AgentBrowser } from "../src/index.ts";
import { CHROMIUM_PATH, memoryLogger, startLocalServer, testEgress, type LocalServer } from "./helpers.ts";

// Each agent browser gets an egress proxy of its own (egressPerBrowser), so what it carried is its own count.
const PAGE_BYTES = 150_000;
let site: LocalServer;
const proxies: EgressProxy[] = [];
const launcher = new AgentBrowserLauncher({
  chromiumPath: CHROMIUM_PATH,
  egressPerBrowser: async () => {
    const proxy = await testEgress();
    proxies.push(proxy);
    return proxy;
  },
  logger: memoryLogger(),
});

beforeAll(async () => {
  site = await startLocalServer((req, res) => {
    // Chromium asks for a favicon after each page: a small answer, or it counts as a second page.
    if (req.url === "/favicon.ico") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
    res.end("b".repeat(PAGE_BYTES));
  });
});
afterAll(async () => {
  await site.close();
  await Promise.all(proxies.map((p) => p.close()));
});

async function load(browser: AgentBrowser, url: string): Promise<void> {
  const cdp = await chromium.connectOverCDP(browser.browserWsUrl, { noDefaults: true });
  try {
    const page = cdp.contexts()[0]!.pages()[0]!;
    await page.goto(url);
  } finally {
    await cdp.close();
  }
}

const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });

describe("an agent browser's own egress proxy", () => {
  it("counts only its browser's traffic, restarts the count at meterFromNow, and closes with the browser", async () => {
    const [a, b] = await Promise.all([launcher.launch(), launcher.launch()]);
    try {
      expect(proxies).toHaveLength(2);
      await load(a, `${site.origin}/big`);
      expect(a.egressBytes().down).toBeGreaterThanOrEqual(PAGE_BYTES);
      expect(a.egressBytes().down).toBeLessThan(PAGE_BYTES + 16_384);
      expect(a.egressBytes().up).toBeGreaterThan(0);
      expect(b.egressBytes().down).toBeLessThan(PAGE_BYTES);

      a.meterFromNow();
      expect(a.egressBytes()).toEqual({ up: 0, down: 0 });
      await load(a, `${site.origin}/again`);
      expect(a.egressBytes().down).toBeGreaterThanOrEqual(PAGE_BYTES);
      expect(a.egressBytes().down).toBeLessThan(PAGE_BYTES + 16_384);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    const final = a.egressBytes();
    expect(final.down).toBeGreaterThanOrEqual(PAGE_BYTES);
    for (const proxy of proxies) expect(await refused(proxy.port)).toBe(true);
    expect(a.egressBytes()).toEqual(final);
  });
});
