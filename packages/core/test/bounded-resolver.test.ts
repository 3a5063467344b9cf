import { setMaxListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestNameserver, type TestNameserver } from "../../../test/support/test-nameserver.ts";
import { AnswerCache, BoundedResolver, DnsLookupError, FairSlots, checkTargetUrl, dnsTimeout, type BoundedResolverOptions } from "../src/index.ts";

let ns: TestNameserver;

beforeAll(async () => {
  ns = await startTestNameserver();
});

afterAll(async () => {
  await ns?.close();
});

/** A resolver pointed at the test nameserver, with a short per-lookup bound (2 tries of 150 ms). */
function resolver(overrides: Partial<BoundedResolverOptions> = {}): BoundedResolver {
  return new BoundedResolver({ servers: [ns.address], timeoutMs: 150, tries: 2, concurrency: 8, cacheTtlMs: 60_000, negativeTtlMs: 60_000, cacheMaxEntries: 1_000, ...overrides });
}

async function failure(promise: Promise<unknown>): Promise<DnsLookupError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DnsLookupError);
  return err as DnsLookupError;
}

describe("BoundedResolver", () => {
  it("answers through the configured nameserver, once per name for concurrent askers, then from its cache", async () => {
    const dns = resolver();
    const answers = await Promise.all(Array.from({ length: 50 }, () => dns.lookup("Shared.OK.test.")));
    expect(answers.every((a) => a.length === 1 && a[0] === "127.0.0.1")).toBe(true);
    expect(ns.queries("shared.ok.test")).toBe(2); // one A and one AAAA for fifty askers
    expect(await dns.lookup("shared.ok.test")).toEqual(["127.0.0.1"]);
    expect(ns.queries("shared.ok.test")).toBe(2);
  });

  it("answers IP literals, localhost and static hosts itself, and with loopbackOnly nothing else", async () => {
    const dns = resolver({ staticHosts: { "hooks.static.test": "10.0.0.1" }, loopbackOnly: true });
    expect(await dns.lookup("localhost")).toEqual(["127.0.0.1"]);
    expect(await dns.lookup("app.localhost")).toEqual(["127.0.0.1"]);
    expect(await dns.lookup("[::1]")).toEqual(["::1"]);
    expect(await dns.lookup("93.184.216.34")).toEqual(["93.184.216.34"]);
    expect(await dns.lookup("hooks.static.test")).toEqual(["10.0.0.1"]);
    expect((await failure(dns.lookup("x.ok.test"))).kind).toBe("not_found");
    expect(ns.queries("x.ok.test")).toBe(0);
  });

  it("tells a missing name (let through) from one DNS could not answer (refused as unchecked)", async () => {
    const dns = resolver();
    const policy = { allowLoopback: true, lookup: dns.lookup };
    expect((await failure(dns.lookup("missing.nx.test"))).kind).toBe("not_found");
    expect((await checkTargetUrl("http://missing.nx.test/", policy)).allowed).toBe(true);
    expect((await failure(dns.lookup("a.servfail.test"))).kind).toBe("failed");
    expect(await checkTargetUrl("http://b.servfail.test/", policy)).toMatchObject({ allowed: false, unchecked: true, reason: "host b.servfail.test could not be checked: DNS lookup failed (ESERVFAIL)" });
  });

  it("ends a lookup whose nameserver never answers within timeout × tries, and frees its slot", async () => {
    const dns = resolver();
    const err = await failure(dns.lookup("h1.blackhole.test"));
    expect(err).toMatchObject({ kind: "timeout", message: "DNS lookup timed out" });
    expect(ns.queries("h1.blackhole.test")).toBeGreaterThan(0);
    expect(dns.activeLookups).toBe(0);
    expect(await checkTargetUrl("http://h1.blackhole.test/", { allowLoopback: true, lookup: dns.lookup })).toMatchObject({
      allowed: false,
      unchecked: true,
      reason: "host h1.blackhole.test could not be checked: DNS lookup timed out",
    });
  }, 10_000);

  it("holds at most its cap for a flood of black-holed names, drops what the budget did not reach, and serves another group next", async () => {
    const dns = resolver({ concurrency: 4 });
    const budget = new AbortController();
    setMaxListeners(0, budget.signal);
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, dns.activeLookups)), 5);
    const flood = Promise.allSettled(Array.from({ length: 1_000 }, (_, i) => dns.lookup(`f${i}.blackhole.test`, { group: "flooder", signal: budget.signal })));
    let floodSettled = false;
    void flood.then(() => (floodSettled = true));
    // Another workspace's name takes the next free slot, ahead of the 996 the flood still has queued.
    expect(await dns.lookup("fair.ok.test", { group: "other" })).toEqual(["127.0.0.1"]);
    expect(floodSettled).toBe(false);
    budget.abort(dnsTimeout(" (budget ran out)"));
    const outcomes = await flood;
    clearInterval(watch);
    expect(outcomes.every((o) => o.status === "rejected" && (o.reason as DnsLookupError).kind === "timeout")).toBe(true);
    expect(peak).toBeLessThanOrEqual(4);
    // Names still queued when the budget ended were never sent.
    const asked = Array.from({ length: 1_000 }, (_, i) => ns.queries(`f${i}.blackhole.test`)).filter((n) => n > 0).length;
    expect(asked).toBeLessThan(50);
    await expect.poll(() => dns.activeLookups).toBe(0);
  }, 20_000);
});

describe("FairSlots", () => {
  it("grants waiting groups in turn, not in arrival order", async () => {
    const slots = new FairSlots(1);
    const order: string[] = [];
    const first = await slots.acquire("a");
    const waits = [...["a", "a", "a"].map((g) => slots.acquire(g)), slots.acquire("b")].map((p, i) =>
      p.then((release) => {
        order.push(i < 3 ? "a" : "b");
        release();
      }),
    );
    first();
    await Promise.all(waits);
    expect(order).toEqual(["a", "b", "a", "a"]);
  });

  it("forgets a waiter whose signal aborts", async () => {
    const slots = new FairSlots(1);
    const held = await slots.acquire("a");
    const abort = new AbortController();
    const gone = slots.acquire("a", abort.signal);
    abort.abort(new Error("gave up"));
    await expect(gone).rejects.toThrow("gave up");
    held();
    expect(slots.inUse).toBe(0);
  });
});

describe("AnswerCache", () => {
  it("keeps at most its size, dropping the least recently used", () => {
    const cache = new AnswerCache<number>(2);
    cache.set("a", 1, 60_000);
    cache.set("b", 2, 60_000);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3, 60_000);
    expect([cache.get("a"), cache.get("b"), cache.get("c"), cache.size]).toEqual([1, undefined, 3, 2]);
    cache.set("zero", 4, 0);
    expect(cache.get("zero")).toBeUndefined();
  });
});
