import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { agentProfileRoot, sweepOrphanedProfileRoots } from "../src/index.ts";
import { rootHost } from "../src/agents/agent-profile-root.ts";

// A worker keeps its agents' profile dirs under one root named for its process; a later worker removes the roots of
// processes that are gone (a SIGKILL runs no close), never a live one's.
const parent = mkdtempSync(join(tmpdir(), "browserfleet-agents-test-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const startTicks = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]!;
};

/** A root with one profile dir and a file in it, as a worker leaves it. */
function fakeRoot(name: string): string {
  const root = join(parent, name);
  mkdirSync(join(root, "profile-abc", "Default"), { recursive: true });
  writeFileSync(join(root, "profile-abc", "Default", "Cookies"), "x");
  return root;
}

async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

describe("agent profile roots", () => {
  it("this process's root is made once, traversable (0711) so a sandboxed Chromium reaches its own dir below", async () => {
    const root = await agentProfileRoot(parent);
    expect(root.startsWith(join(parent, `${rootHost()}_${process.pid}-${startTicks(process.pid)}-`))).toBe(true);
    expect(statSync(root).mode & 0o777).toBe(0o711);
    expect(statSync(parent).mode & 0o777).toBe(0o711);
  });

  it("the sweep removes the roots of dead processes and of reused pids, and keeps live ones' and anything else", async () => {
    const host = rootHost();
    const dead = fakeRoot(`${host}_${await deadPid()}-12345-deadbeef`);
    const deadNoStart = fakeRoot(`${host}_${await deadPid()}-x-deadbeef`);
    // pid 1 is alive, but it started at another time than this name says: the pid was reused.
    const reused = fakeRoot(`${host}_1-${Number(startTicks(1)) + 1}-cafe`);
    const live = fakeRoot(`${host}_${process.pid}-${startTicks(process.pid)}-0123abcd`);
    const liveOther = fakeRoot(`${host}_1-${startTicks(1)}-beef`);
    const liveNoStart = fakeRoot(`${host}_1-x-beef`);
    // Another host's pids mean nothing here (another pid namespace): never judged, even when the pid is dead here.
    const otherHost = fakeRoot(`not-${host}_${await deadPid()}-12345-beef`);
    const notARoot = fakeRoot("something-else");

    const removed = await sweepOrphanedProfileRoots(parent);
    expect(removed.sort()).toEqual([dead, deadNoStart, reused].sort());
    for (const gone of [dead, deadNoStart, reused]) expect(existsSync(gone)).toBe(false);
    for (const kept of [live, liveOther, liveNoStart, otherHost, notARoot]) expect(existsSync(join(kept, "profile-abc", "Default", "Cookies"))).toBe(true);
  });

  it("a missing parent sweeps nothing", async () => {
    expect(await sweepOrphanedProfileRoots(join(parent, "nope"))).toEqual([]);
  });
});
