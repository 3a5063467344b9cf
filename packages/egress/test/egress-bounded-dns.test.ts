import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BoundedResolver } from "@browserfleet/core";
import { startTestNameserver, type TestNameserver } from "../../../test/support/test-nameserver.ts";
import { startEgressProxy, type EgressProxy } from "../src/index.ts";
import { memoryLogger, startLocalServer, type LocalServer } from "./helpers.ts";

let ns: TestNameserver;
let target: LocalServer;
let dns: BoundedResolver;
let proxy: EgressProxy;

beforeAll(async () => {
  [ns, target] = await Promise.all([startTestNameserver(), startLocalServer()]);
  // The worker's resolver, pointed at a nameserver that never answers *.blackhole.test: 2 tries of 150 ms.
  dns = new BoundedResolver({ servers: [ns.address], timeoutMs: 150, tries: 2, concurrency: 8, cacheTtlMs: 60_000, negativeTtlMs: 60_000, cacheMaxEntries: 1_000 });
  proxy = await startEgressProxy({ policy: { allowLoopback: true, lookup: dns.lookup }, logger: memoryLogger() });
});

afterAll(async () => {
  await proxy?.close();
  await Promise.all([ns?.close(), target?.close()]);
});

/** Status and egress headers of a CONNECT (or of a plain proxied GET when `url` is absolute). */
function ask(method: "CONNECT" | "GET", path: string): Promise<{ status: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: proxy.port, method, path, agent: false });
    const done = (status: number, headers: Record<string, unknown>): void =>
      resolve({ status, reason: String(headers["x-browserfleet-egress-error"] ?? headers["x-browserfleet-refused"] ?? "") });
    req.on("connect", (res, socket) => {
      socket.destroy();
      done(res.statusCode ?? 0, res.headers);
    });
    req.on("response", (res) => {
      res.resume();
      done(res.statusCode ?? 0, res.headers);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("egress proxy with the bounded resolver", () => {
  it("answers 502 for a host whose nameserver never answers, within the resolver's bound, for tunnels and plain requests", async () => {
    expect(await ask("CONNECT", "t1.blackhole.test:443")).toEqual({ status: 502, reason: "host t1.blackhole.test could not be resolved: DNS lookup timed out" });
    expect(await ask("GET", "http://t2.blackhole.test/")).toEqual({ status: 502, reason: "host t2.blackhole.test could not be resolved: DNS lookup timed out" });
  }, 10_000);

  it("answers a flood of black-holed tunnels, holding at most the resolver's cap, and still resolves a good name", async () => {
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, dns.activeLookups)), 5);
    const flood = await Promise.all(Array.from({ length: 40 }, (_, i) => ask("CONNECT", `flood${i}.blackhole.test:443`)));
    clearInterval(watch);
    expect(flood.every((a) => a.status === 502 && a.reason.endsWith("DNS lookup timed out"))).toBe(true);
    expect(peak).toBeLessThanOrEqual(8);
    expect((await ask("CONNECT", `site.ok.test:${target.port}`)).status).toBe(200);
    await expect.poll(() => dns.activeLookups).toBe(0);
  }, 30_000);

  it("refuses IPv4-compatible IPv6 targets (::a.b.c.d) even with loopback allowed", async () => {
    for (const authority of [`[::7f00:1]:${target.port}`, `[::127.0.0.1]:${target.port}`]) {
      const answer = await ask("CONNECT", authority);
      expect(answer.status, authority).toBe(403);
      expect(answer.reason).toMatch(/private, loopback, link-local or reserved/);
    }
    expect((await ask("GET", `http://[::a9fe:a9fe]:${target.port}/`)).status).toBe(403);
    expect(target.connections).toBe(1); // only the good tunnel above
  });
});
