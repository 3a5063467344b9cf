import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { readDescendantMemory } from "../src/descendant-memory.ts";

const spawned: number[] = [];
afterEach(() => {
  for (const pid of spawned.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

/** A shell with a sleeping child: a tree of two processes below this one. */
async function spawnTree(): Promise<number> {
  const child = spawn("sh", ["-c", "sleep 30 & echo started; wait"], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
  spawned.push(child.pid!);
  await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
  return child.pid!;
}

describe.runIf(process.platform === "linux")("readDescendantMemory", () => {
  it("sums the memory of every process below the root, grandchildren included", async () => {
    const shell = await spawnTree();
    const below = await readDescendantMemory(process.pid);
    expect(below!.processes).toBeGreaterThanOrEqual(2);
    expect(below!.bytes).toBeGreaterThan(0);
    const ofShell = await readDescendantMemory(shell);
    expect(ofShell!.processes).toBe(1);
    expect(ofShell!.bytes).toBeGreaterThan(0);
  });

  it("reads at most the bound it is given", async () => {
    await spawnTree();
    expect((await readDescendantMemory(process.pid, 1))!.processes).toBe(1);
  });

  it("is null for a process that does not exist", async () => {
    expect(await readDescendantMemory(2 ** 22 + 1)).toBeNull();
  });
});
