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

describe("admission: leases, release, purge", () => {
  it("re-admits an unrenewed lease with a new ticket, first in line, without drifting the count", async () => {
    const adm = fx.controller({ leaseMs: 300 });
    await adm.heartbeat("w1", 10, 60_000);
    expect(await adm.enqueue("ws-a", 2, items("job-a", 3))).toBe(2);
    let held = await fx.take();

    for (let round = 0; round < 3; round += 1) {
      await sleep(400);
      // The next heartbeat finds both leases dead and admits their items again before job-a-3.
      expect(await adm.heartbeat("w1", 10, 60_000)).toBe(2);
      const again = await fx.take();
      expect(again.map((j) => j.itemId).sort()).toEqual(["job-a-1", "job-a-2"]);
      for (const old of held) {
        const fresh = again.find((j) => j.itemId === old.itemId)!;
        expect(fresh.ticket).not.toBe(old.ticket);
        expect(await adm.renew(old.itemId, old.ticket)).toBe(false);
        expect(await adm.renew(fresh.itemId, fresh.ticket)).toBe(true);
      }
      expect(await adm.snapshot("ws-a")).toMatchObject({ leases: 2, running: 2, pending: 1 });
      held = again;
    }

    // A worker with a long lease takes over renewing, so nothing below races the 300 ms expiry.
    const steady = fx.controller({ leaseMs: 60_000 });
    for (const lease of held) expect(await steady.renew(lease.itemId, lease.ticket)).toBe(true);
    // A stale holder's release is ignored; the live holders' releases drain the workspace.
    expect(await steady.release("job-a-1", "1")).toBe(0);
    expect((await steady.snapshot("ws-a")).running).toBe(2);
    expect(await steady.release(held[0]!.itemId, held[0]!.ticket)).toBe(1);
    held = [...held.slice(1), ...(await fx.take())];
    expect(held.map((j) => j.itemId)).toContain("job-a-3");
    for (const lease of held) await steady.release(lease.itemId, lease.ticket);
    expect(await adm.snapshot("ws-a")).toMatchObject({ leases: 0, running: 0, pending: 0 });
    expect(await adm.tracked(["job-a-1", "job-a-2", "job-a-3"])).toEqual([false, false, false]);
  });

  it("keeps a renewed lease alive well past leaseMs", async () => {
    const adm = fx.controller({ leaseMs: 1_000 });
    await adm.heartbeat("w1", 10, 60_000);
    expect(await adm.enqueue("ws-a", 2, items("job-a", 2))).toBe(2);
    const [kept, dropped] = await fx.take();
    const readmitted: PageJobData[] = [];
    for (let t = 0; t < 16; t += 1) {
      await sleep(150);
      expect(await adm.renew(kept!.itemId, kept!.ticket)).toBe(true);
      await adm.heartbeat("w1", 10, 60_000);
      readmitted.push(...(await fx.take()));
    }
    // Only the lease nobody renewed came back (once per 1 s lapse); the renewed one never did.
    expect(readmitted.length).toBeGreaterThanOrEqual(1);
    expect(readmitted.every((j) => j.itemId === dropped!.itemId)).toBe(true);
    expect(await adm.snapshot("ws-a")).toMatchObject({ running: 2, pending: 0 });
  });

  it("ignores a release with a ticket that does not hold the lease", async () => {
    const adm = fx.controller();
    await adm.heartbeat("w1", 10, 60_000);
    expect(await adm.enqueue("ws-a", 1, items("job-a", 2))).toBe(1);
    const [lease] = await fx.take();
    const before = await adm.snapshot("ws-a");

    expect(await adm.release(lease!.itemId, String(Number(lease!.ticket) + 1))).toBe(0);
    expect(await adm.release("job-a-2", lease!.ticket)).toBe(0);
    expect(await adm.snapshot("ws-a")).toEqual(before);
    expect(await adm.renew(lease!.itemId, lease!.ticket)).toBe(true);
    expect(await adm.tracked(["job-a-1", "job-a-2"])).toEqual([true, true]);
    expect(await fx.take()).toEqual([]);

    expect(await adm.release(lease!.itemId, lease!.ticket)).toBe(1);
    expect((await fx.take()).map((j) => j.itemId)).toEqual(["job-a-2"]);
  });

  it("puts a requeued item first in line, under a new ticket", async () => {
    const adm = fx.controller();
    await adm.heartbeat("w1", 10, 60_000);
    expect(await adm.enqueue("ws-a", 2, items("job-a", 4))).toBe(2);
    const [first] = await fx.take();

    expect(await adm.release(first!.itemId, first!.ticket, { requeue: true })).toBe(1);
    const [again] = await fx.take();
    expect(again).toMatchObject({ itemId: first!.itemId, workspaceId: "ws-a" });
    expect(again!.ticket).not.toBe(first!.ticket);
    expect(await adm.renew(first!.itemId, first!.ticket)).toBe(false);
    expect(await adm.tracked([first!.itemId])).toEqual([true]);
    expect(await adm.snapshot("ws-a")).toMatchObject({ running: 2, pending: 2 });

    // Requeued while the fleet is full, it still goes ahead of the items that waited longer.
    await adm.heartbeat("w1", 2, 60_000);
    expect(await adm.enqueue("ws-a", 4, [])).toBe(0);
    expect(await adm.release(again!.itemId, again!.ticket, { requeue: true })).toBe(1);
    expect((await fx.take()).map((j) => j.itemId)).toEqual([first!.itemId]);
    expect(await adm.snapshot("ws-a")).toMatchObject({ running: 2, pending: 2 });
  });

  it("purges only the cancelled job's waiting items", async () => {
    const adm = fx.controller();
    await adm.heartbeat("w1", 1, 60_000);
    const a = items("job-a", 3);
    const b = items("job-b", 2);
    expect(await adm.enqueue("ws-1", 1, [a[0]!, b[0]!, a[1]!, b[1]!, a[2]!])).toBe(1);
    expect(await adm.enqueue("ws-2", 1, items("job-c", 2))).toBe(0);
    const [leased] = await fx.take();
    expect(leased!.itemId).toBe("job-a-1");

    expect(await adm.purgeJob("ws-1", "job-a")).toBe(2);
    expect(await adm.tracked(["job-a-1", "job-a-2", "job-a-3", "job-b-1", "job-b-2"])).toEqual([true, false, false, true, true]);
    expect(await adm.snapshot("ws-1")).toMatchObject({ running: 1, pending: 2 });
    expect(await adm.purgeJob("ws-1", "job-a")).toBe(0);

    // A workspace whose last waiting job is purged stops counting as waiting.
    expect(await adm.purgeJob("ws-2", "job-c")).toBe(2);
    expect((await adm.waitingWorkspaces()).sort()).toEqual(["ws-1"]);

    const order: string[] = [];
    let lease: PageJobData | undefined = leased;
    while (lease) {
      await adm.release(lease.itemId, lease.ticket);
      [lease] = await fx.take();
      if (lease) order.push(lease.itemId);
    }
    expect(order).toEqual(["job-b-1", "job-b-2"]);
    expect(await adm.snapshot("ws-1")).toMatchObject({ leases: 0, running: 0, pending: 0 });
  });

  it("holds every workspace to its limit under concurrent enqueues and releases from many replicas", async () => {
    const limits = new Map([["ws-a", 2], ["ws-b", 3], ["ws-c", 1]]);
    const replicas: AdmissionController[] = Array.from({ length: 4 }, () => fx.controller());
    await replicas[0]!.heartbeat("w1", 5, 60_000);
    const held: PageJobData[] = [];
    const enqueued = new Set<string>();
    const finished = new Set<string>();
    let seq = 0;
    let violations = 0;
    const peak = new Map<string, number>();

    const check = async (adm: AdmissionController): Promise<void> => {
      held.push(...(await fx.take()));
      // Counted at one instant: summed across the awaits below, a release and the admission it
      // makes could both be counted, and the total would exceed what was ever held at once.
      const outstanding = new Map([...limits.keys()].map((ws) => [ws, held.filter((j) => j.workspaceId === ws).length]));
      if ([...outstanding.values()].reduce((a, b) => a + b, 0) > 5) violations += 1;
      for (const [ws, limit] of limits) {
        const snap = await adm.snapshot(ws);
        if (snap.running > limit || outstanding.get(ws)! > limit || snap.leases > 5) violations += 1;
        peak.set(ws, Math.max(peak.get(ws) ?? 0, snap.running));
      }
    };
    const actor = async (adm: AdmissionController, n: number): Promise<void> => {
      for (let op = 0; op < 60; op += 1) {
        const pick = (op * 7 + n * 3) % 10;
        if (pick < 4 || held.length === 0) {
          const ws = [...limits.keys()][(op + n) % limits.size]!;
          const batch = Array.from({ length: 1 + (op % 3) }, () => ({ itemId: `it-${(seq += 1)}`, jobId: `job-${ws}` }));
          for (const it of batch) enqueued.add(it.itemId);
          await adm.enqueue(ws, limits.get(ws)!, batch);
        } else {
          const lease = held.splice((op + n) % held.length, 1)[0]!;
          const requeue = pick === 9;
          if (!requeue) finished.add(lease.itemId);
          await adm.release(lease.itemId, lease.ticket, { requeue });
        }
        await check(adm);
      }
    };
    await Promise.all(replicas.map((adm, n) => actor(adm, n)));
    expect(violations).toBe(0);
    // The run did push every workspace up against its limit.
    expect(peak).toEqual(limits);

    // Drain: every enqueued item is dispatched and finished exactly once, and the counts return to zero.
    const adm = replicas[0]!;
    await check(adm);
    for (let guard = 0; guard < 1_000 && held.length > 0; guard += 1) {
      const lease = held.shift()!;
      expect(finished.has(lease.itemId)).toBe(false);
      finished.add(lease.itemId);
      await adm.release(lease.itemId, lease.ticket);
      await check(adm);
    }
    expect(violations).toBe(0);
    expect([...finished].sort()).toEqual([...enqueued].sort());
    for (const ws of limits.keys()) expect(await adm.snapshot(ws)).toMatchObject({ leases: 0, running: 0, pending: 0 });
    expect(await adm.tracked([...enqueued])).toEqual([...enqueued].map(() => false));
  });
});
