import { readFileSync } from "node:fs";
import { freemem, totalmem } from "node:os";

/** Memory in use over the limit that applies to this process: its cgroup's (a container) or the machine's. */
export function memoryUseFraction(): number {
  try {
    const max = readFileSync("/sys/fs/cgroup/memory.max", "utf8").trim();
    if (max !== "max") {
      const current = Number(readFileSync("/sys/fs/cgroup/memory.current", "utf8").trim());
      return current / Number(max);
    }
  } catch {
    // not cgroup v2, or no limit readable: the machine's numbers below
  }
  return 1 - freemem() / totalmem();
}
