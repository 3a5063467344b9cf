import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PageJobData } from "../src/index.ts";
import { items, openAdmissionFixture, sleep, type AdmissionFixture } from "./admission-fixture.ts";

let fx: AdmissionFixture;
beforeEach(() => {
  fx = openAdmissionFixture();
});
afterEach(async () => {
  await fx.close();
});

describe("admission: limits, capacity and fairness", () => {
  it("dispatches no more than a workspace's max_concurrency, and one more per release", async () => {
    const adm = fx.controller();
    await adm.heartbeat("w1", 100, 60_000);

    expect(await adm.enqueue("ws-a", 2, items("job-a", 10))).toBe(2);
    const first = await fx.take();
    expect(first.map((j) => j.itemId)).toEqual(["job-a-1", "job-a-2"]);
    expect(first.every((j) => j.workspaceId === "ws-a" && j.jobId === "job-a")).toBe(true);
    const jobIds = (await fx.queue.getJobs(["wait"])).map((j) => j.id).sort();
    expect(jobIds).toEqual(first.map((j) => `${j.itemId}.${j.ticket}`).sort());
    expect(await adm.snapshot("ws-a")).toMatchObject({ leases: 2, running: 2, pending: 8 });

    expect(await adm.release(first[0]!.itemId, first[0]!.ticket)).toBe(1);
    const next = await fx.take();
    expect(next.map((j) => j.itemId)).toEqual(["job-a-3"]);
    expect(await adm.snapshot("ws-a")).toMatchObject({ leases: 2, running: 2, pending: 7 });
    expect(await adm.tracked(["job-a-1", "job-a-2", "job-a-10"])).toEqual([false, true, true]);
  });

  it("never holds more leases than the fleet's live slots", async () => {
    const adm = fx.controller();
    await adm.heartbeat("w1", 3, 60_000);
    expect(await adm.enqueue("ws-a", 4, items("job-a", 10))).toBe(3);
    expect(await adm.enqueue("ws-b", 4, items("job-b", 10))).toBe(0);
    expect(await adm.snapshot()).toMatchObject({ leases: 3, capacity: 3 });

    // A second worker's slots are used at once, one workspace after the other.
    expect(await adm.heartbeat("w2", 2, 60_000)).toBe(2);
    expect(await adm.snapshot("ws-a")).toMatchObject({ leases: 5, running: 4, capacity: 5 });
    expect((await adm.snapshot("ws-b")).running).toBe(1);
    let held = await fx.take();

    // 0 slots withdraws them: releases admit nothing until leases drop under the remaining 3.
    expect(await adm.heartbeat("w2", 0, 60_000)).toBe(0);
    expect((await adm.snapshot()).capacity).toBe(3);
    const releaseOldest = async (): Promise<number> => {
      const lease = held.shift()!;
      return adm.release(lease.itemId, lease.ticket);
    };
    expect(await releaseOldest()).toBe(0);
    expect(await releaseOldest()).toBe(0);
    expect((await adm.snapshot()).leases).toBe(3);
    expect(await releaseOldest()).toBe(1);
    expect((await adm.snapshot()).leases).toBe(3);
    held = [...held, ...(await fx.take())];

    // A heartbeat that is not refreshed lapses: its slots stop counting.
    expect(await adm.heartbeat("w3", 2, 200)).toBe(2);
    held = [...held, ...(await fx.take())];
    expect((await adm.snapshot()).leases).toBe(5);
    await sleep(300);
    expect((await adm.snapshot()).capacity).toBe(3);
    expect(await releaseOldest()).toBe(0);
    expect(await releaseOldest()).toBe(0);
    expect(await adm.snapshot()).toMatchObject({ leases: 3, capacity: 3 });
    expect(await releaseOldest()).toBe(1);
  });

  it("takes workspaces round-robin: a small job does not wait behind a big one", async () => {
    const adm = fx.controller();
    await adm.heartbeat("w1", 4, 60_000);
    expect(await adm.enqueue("ws-a", 4, items("job-a", 50))).toBe(4);
    expect(await adm.enqueue("ws-b", 4, items("job-b", 5))).toBe(0);

    const held: PageJobData[] = await fx.take();
    const order: string[] = [];
    const bDoneAt: number[] = [];
    for (let release = 1; release <= 20; release += 1) {
      const lease = held.shift()!;
      expect(await adm.release(lease.itemId, lease.ticket)).toBe(1);
      if (lease.workspaceId === "ws-b") bDoneAt.push(release);
      const admitted = await fx.take();
      held.push(...admitted);
      order.push(...admitted.map((j) => j.workspaceId));
    }
    // B's items alternate with A's instead of waiting for A's 46 remaining ones.
    expect(order.slice(0, 10)).toEqual(["ws-a", "ws-b", "ws-a", "ws-b", "ws-a", "ws-b", "ws-a", "ws-b", "ws-a", "ws-b"]);
    expect(order.slice(10).every((ws) => ws === "ws-a")).toBe(true);
    // Each finishes one capacity's worth of releases after it was admitted.
    expect(bDoneAt).toEqual([6, 8, 10, 12, 14]);
    expect(await adm.snapshot("ws-b")).toMatchObject({ running: 0, pending: 0 });
    expect(await adm.waitingWorkspaces()).toEqual(["ws-a"]);
  });

  it("skips items it already tracks, pending or leased", async () => {
    const adm = fx.controller();
    await adm.heartbeat("w1", 10, 60_000);
    expect(await adm.enqueue("ws-a", 1, items("job-a", 2))).toBe(1);
    expect(await adm.enqueue("ws-a", 1, [...items("job-a", 3), { itemId: "job-a-3", jobId: "job-a" }])).toBe(0);
    expect(await adm.snapshot("ws-a")).toMatchObject({ running: 1, pending: 2 });
    expect(await adm.tracked(["job-a-1", "job-a-2", "job-a-3", "job-a-4"])).toEqual([true, true, true, false]);

    const dispatched: string[] = [];
    let held = await fx.take();
    while (held.length > 0) {
      dispatched.push(...held.map((j) => j.itemId));
      for (const lease of held) await adm.release(lease.itemId, lease.ticket);
      held = await fx.take();
    }
    expect(dispatched).toEqual(["job-a-1", "job-a-2", "job-a-3"]);
    expect(await adm.tracked(["job-a-1", "job-a-2", "job-a-3"])).toEqual([false, false, false]);
    expect(await adm.snapshot("ws-a")).toMatchObject({ leases: 0, running: 0, pending: 0 });
  });

  it("keeps the known limit when enqueued with null, and uses the default for an unknown workspace", async () => {
    const adm = fx.controller({ defaultLimit: 3 });
    await adm.heartbeat("w1", 100, 60_000);
    expect(await adm.enqueue("ws-a", 2, items("job-a", 5))).toBe(2);
    expect(await adm.enqueue("ws-a", null, items("job-a", 5, 6))).toBe(0);
    expect(await adm.snapshot("ws-a")).toMatchObject({ running: 2, pending: 8 });

    expect(await adm.enqueue("ws-b", null, items("job-b", 5))).toBe(3);

    // A fresh limit from Postgres applies at once, by enqueue or by setLimits.
    expect(await adm.enqueue("ws-a", 3, [])).toBe(1);
    await adm.setLimits(new Map([["ws-a", 5]]));
    const held = await fx.take();
    const lease = held.find((j) => j.workspaceId === "ws-a")!;
    expect(await adm.release(lease.itemId, lease.ticket)).toBe(3);
    expect((await adm.snapshot("ws-a")).running).toBe(5);
  });
});
