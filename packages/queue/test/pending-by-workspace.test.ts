import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { items, openAdmissionFixture, type AdmissionFixture } from "./admission-fixture.ts";

let fx: AdmissionFixture;
let redis: Redis;
beforeEach(() => {
  fx = openAdmissionFixture();
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
});
afterEach(async () => {
  await redis.quit();
  await fx.close();
});

describe("AdmissionController.pendingByWorkspace", () => {
  it("is empty when nothing waits", async () => {
    expect(await fx.controller().pendingByWorkspace(3)).toEqual({ total: 0, top: [], other: 0 });
  });

  it("names the workspaces with most pages waiting (both lanes), most first, and sums the rest as other", async () => {
    // No worker heartbeat: no capacity, so everything enqueued stays pending.
    const adm = fx.controller();
    const sizes = [5, 1, 9, 3, 7, 2, 8];
    for (const [i, n] of sizes.entries()) await adm.enqueue(`ws-${i}`, 4, items(`job-${i}`, n));
    await adm.enqueue("ws-0", 4, items("sync-0", 4), { lane: "sync" });

    const read = await adm.pendingByWorkspace(3);
    // ws-0 and ws-2 tie at 9 (in either order), ws-6 has 8.
    expect(read.top.map((t) => t.pending)).toEqual([9, 9, 8]);
    expect(read.top.slice(0, 2).map((t) => t.workspaceId).sort()).toEqual(["ws-0", "ws-2"]);
    expect(read.top[2]!.workspaceId).toBe("ws-6");
    expect(read.total).toBe(39);
    expect(read.total).toBe(sizes.reduce((sum, n) => sum + n, 0) + 4);
    expect(read.other).toBe(7 + 3 + 2 + 1);
  });

  it("keeps its answer at top + 1 numbers for 1,000 workspaces, and what waits adds up", async () => {
    const adm = fx.controller();
    const pipeline = redis.pipeline();
    // Straight into the lists and the ring set, as enqueue.lua leaves them (1,000 Lua calls would only be slower).
    for (let i = 0; i < 1_000; i += 1) {
      const ws = `ws-${i}`;
      for (const it of items(`job-${i}`, 1 + (i % 7))) pipeline.rpush(`${fx.prefix}:adm:pending:${ws}`, `${it.itemId}|${it.jobId}`);
      pipeline.sadd(`${fx.prefix}:adm:ring-set`, ws).rpush(`${fx.prefix}:adm:ring`, ws);
    }
    await pipeline.exec();

    const read = await adm.pendingByWorkspace(20);
    expect(read.top).toHaveLength(20);
    expect(read.top.every((t) => t.pending === 7)).toBe(true);
    expect(read.total).toBe(Array.from({ length: 1_000 }, (_, i) => 1 + (i % 7)).reduce((sum, n) => sum + n, 0));
    expect(read.other + read.top.reduce((s, t) => s + t.pending, 0)).toBe(read.total);
    expect((await adm.pendingByWorkspace(0)).top).toEqual([]);
  });

  it("skips a workspace left in the ring with nothing waiting", async () => {
    await redis.sadd(`${fx.prefix}:adm:ring-set`, "ws-empty");
    expect(await fx.controller().pendingByWorkspace()).toEqual({ total: 0, top: [], other: 0 });
  });
});
