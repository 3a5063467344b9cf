import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { items, openAdmissionFixture, type AdmissionFixture } from "./admission-fixture.ts";

let fx: AdmissionFixture;
beforeEach(() => {
  fx = openAdmissionFixture();
});
afterEach(async () => {
  await fx.close();
});

describe("admission: releases of one turn go as one call", () => {
  it("ends every lease released together, requeues the requeued first in line, and admits what the freed slots allow", async () => {
    const adm = fx.controller();
    await adm.heartbeat("w1", 100, 60_000);
    expect(await adm.enqueue("ws-a", 4, items("job-a", 10))).toBe(4);
    const held = await fx.take();
    expect(held.map((j) => j.itemId)).toEqual(["job-a-1", "job-a-2", "job-a-3", "job-a-4"]);

    // Released in the same turn: one call ends all four (one of them requeued, one with a stale ticket that must not count).
    const answers = await Promise.all([
      adm.release(held[0]!.itemId, held[0]!.ticket),
      adm.release(held[1]!.itemId, held[1]!.ticket, { requeue: true }),
      adm.release(held[2]!.itemId, String(Number(held[2]!.ticket) + 1000)),
      adm.release(held[3]!.itemId, held[3]!.ticket),
    ]);
    // Three slots freed, three admitted, counted once (in the first answer); the requeued item goes first.
    expect(answers).toEqual([3, 0, 0, 0]);
    const next = await fx.take();
    expect(next.map((j) => j.itemId)).toEqual(["job-a-2", "job-a-5", "job-a-6"]);
    expect(await adm.snapshot("ws-a")).toMatchObject({ leases: 4, running: 4, pending: 4 });
    expect(await adm.tracked(["job-a-1", "job-a-2", "job-a-3", "job-a-4"])).toEqual([false, true, true, false]);
  });
});
