import { describe, expect, it } from "vitest";
import { createTurnBatcher } from "../src/index.ts";

/** A write that records each batch it was given and answers when `release` is called. */
function gatedWrite() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  const write = (entries: number[]): Promise<number[]> => {
    batches.push([...entries]);
    return new Promise((resolve) => gates.push(() => resolve(entries.map((n) => n * 10))));
  };
  const openNext = async (): Promise<void> => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { batches, write, openNext };
}

describe("turn batcher", () => {
  it("writes the entries of one turn together, and what arrives during a write in the next one, in order", async () => {
    const gated = gatedWrite();
    const batcher = createTurnBatcher({ write: gated.write, maxBatch: 100, onFailure: "reject-all" });
    const first = [1, 2, 3].map((n) => batcher.add(n));
    await gated.openNext();
    // Added while nothing is in flight any more: the first write has been answered.
    expect(await Promise.all(first)).toEqual([10, 20, 30]);

    const second = [4, 5].map((n) => batcher.add(n));
    while (gated.batches.length < 2) await new Promise((r) => setImmediate(r));
    // The write of 4 and 5 is in flight: these wait for the next one.
    const third = [6, 7, 8].map((n) => batcher.add(n));
    await gated.openNext();
    await gated.openNext();
    expect(await Promise.all([...second, ...third])).toEqual([40, 50, 60, 70, 80]);
    expect(gated.batches).toEqual([[1, 2, 3], [4, 5], [6, 7, 8]]);
  });

  it("takes at most maxBatch entries per write", async () => {
    const batches: number[][] = [];
    const batcher = createTurnBatcher({ write: async (e: number[]) => (batches.push(e), e), maxBatch: 2, onFailure: "reject-all" });
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)))).toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("reject-all: a failed write rejects its whole batch, and the next batch is written as usual", async () => {
    let calls = 0;
    const batcher = createTurnBatcher({
      write: async (e: number[]) => {
        calls += 1;
        if (calls === 1) throw new Error("down");
        return e;
      },
      maxBatch: 10,
      onFailure: "reject-all",
    });
    const results = await Promise.allSettled([1, 2].map((n) => batcher.add(n)));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await batcher.add(3)).toBe(3);
  });

  it("split: a failed batch is written again entry by entry, so only the bad entry fails", async () => {
    const batches: number[][] = [];
    const batcher = createTurnBatcher({
      write: async (e: number[]) => {
        batches.push(e);
        if (e.includes(2)) throw new Error("bad entry 2");
        return e.map((n) => -n);
      },
      maxBatch: 10,
      onFailure: "split",
    });
    const results = await Promise.allSettled([1, 2, 3].map((n) => batcher.add(n)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([-1, "bad entry 2", -3]);
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it("a write answering the wrong number of results fails its entries instead of resolving them with nothing, and is never written again", async () => {
    for (const onFailure of ["reject-all", "split"] as const) {
      let writes = 0;
      const batcher = createTurnBatcher({ write: async () => (writes++, [1]), maxBatch: 10, onFailure });
      const results = await Promise.allSettled([1, 2].map((n) => batcher.add(n)));
      expect(results.every((r) => r.status === "rejected")).toBe(true);
      expect({ onFailure, writes }).toEqual({ onFailure, writes: 1 });
    }
  });
});
