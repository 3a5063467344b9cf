import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AdmissionController, PageJobData } from "../src/index.ts";
import { items, openAdmissionFixture, sleep, type AdmissionFixture } from "./admission-fixture.ts";

let fx: AdmissionFixture;
beforeEach(() => {
  fx = openAdmissionFixture();
});
afterEach(async () => {
  await fx.close();
});

/** Releases the oldest held lease and returns what that admitted (one item at a workspace's cap). */
async function releaseOldest(adm: AdmissionController, held: PageJobData[]): Promise<string[]> {
  const lease = held.shift()!;
  await adm.release(lease.itemId, lease.ticket);
  const admitted = await fx.take();
  held.push(...admitted);
  return admitted.map((j) => j.itemId);
}

describe("admission: the sync lane", () => {
  it("admits a sync item before the workspace's waiting batch, within the same cap", async () => {
    const adm = fx.controller();
    await adm.heartbeat("w1", 100, 60_000);
    expect(await adm.enqueue("ws-a", 2, items("batch", 20))).toBe(2);
    const held = await fx.take();

    // The cap is full: the sync item waits, but in front of the 18 batch items.
    expect(await adm.enqueue("ws-a", 2, items("sync", 1), { lane: "sync" })).toBe(0);
    expect(await adm.snapshot("ws-a")).toMatchObject({ running: 2, pending: 19, pendingSync: 1 });
    expect(await releaseOldest(adm, held)).toEqual(["sync-1"]);
    expect(await adm.snapshot("ws-a")).toMatchObject({ running: 2, pending: 18, pendingSync: 0 });
    expect(held.map((j) => j.itemId)).toEqual(["batch-2", "sync-1"]);
    expect(await releaseOldest(adm, held)).toEqual(["batch-3"]);
  });

  it("lets at most three sync items in a row past a waiting batch, so the batch still moves", async () => {
    const adm = fx.controller();
    await adm.heartbeat("w1", 100, 60_000);
    expect(await adm.enqueue("ws-a", 1, items("batch", 5))).toBe(1);
    const held = await fx.take();
    expect(await adm.enqueue("ws-a", 1, items("sync", 8), { lane: "sync" })).toBe(0);

    const order: string[] = [];
    for (let i = 0; i < 12; i += 1) order.push(...(await releaseOldest(adm, held)));
    expect(order).toEqual(["sync-1", "sync-2", "sync-3", "batch-2", "sync-4", "sync-5", "sync-6", "batch-3", "sync-7", "sync-8", "batch-4", "batch-5"]);
    // With the batch gone, sync items are not held back by the streak.
    expect(await adm.enqueue("ws-a", 1, items("more", 5), { lane: "sync" })).toBe(0);
    for (let i = 0; i < 5; i += 1) expect(await releaseOldest(adm, held)).toEqual([`more-${i + 1}`]);
    expect(await adm.snapshot("ws-a")).toMatchObject({ running: 1, pending: 0, pendingSync: 0 });
  });

  it("keeps workspaces round-robin: a sync item goes first within its workspace, not ahead of another one", async () => {
    const adm = fx.controller();
    await adm.heartbeat("w1", 1, 60_000);
    expect(await adm.enqueue("ws-a", 4, items("a", 3))).toBe(1);
    const held = await fx.take();
    expect(await adm.enqueue("ws-b", 4, items("b", 3))).toBe(0);
    expect(await adm.enqueue("ws-a", 4, items("a-sync", 1), { lane: "sync" })).toBe(0);
    const order: string[] = [];
    for (let i = 0; i < 4; i += 1) order.push(...(await releaseOldest(adm, held)));
    expect(order).toEqual(["a-sync-1", "b-1", "a-2", "b-2"]);
  });

  it("sends a requeued or lapsed sync lease back to the sync lane, and purges it with its job", async () => {
    const adm = fx.controller({ leaseMs: 1_000 });
    await adm.heartbeat("w1", 100, 60_000);
    expect(await adm.enqueue("ws-a", 1, items("sync", 1), { lane: "sync" })).toBe(1);
    const [lease] = await fx.take();
    expect(await adm.enqueue("ws-a", 1, items("batch", 3))).toBe(0);

    expect(await adm.release(lease!.itemId, lease!.ticket, { requeue: true })).toBe(1);
    const [again] = await fx.take();
    expect(again!.itemId).toBe("sync-1");

    // Not renewed: the lease lapses and the item waits in the sync lane again, first in line.
    await sleep(1_100);
    await adm.heartbeat("w1", 100, 60_000);
    const [third] = await fx.take();
    expect(third!.itemId).toBe("sync-1");
    expect(await adm.snapshot("ws-a")).toMatchObject({ running: 1, pending: 3, pendingSync: 0 });
    expect(await adm.enqueue("ws-a", 1, items("sync2", 1), { lane: "sync" })).toBe(0);
    expect(await adm.snapshot("ws-a")).toMatchObject({ running: 1, pending: 4, pendingSync: 1 });

    expect(await adm.purgeJob("ws-a", "sync2")).toBe(1);
    expect(await adm.tracked(["sync2-1"])).toEqual([false]);
    expect(await adm.snapshot("ws-a")).toMatchObject({ running: 1, pending: 3, pendingSync: 0 });
  });
});
