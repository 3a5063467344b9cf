// CPU seconds spent by processes, read from /proc (Linux): what a bench row cost each part of the
// machine, so a number bounded by the machine's cores says so. Postgres is every process named
// "postgres" (its backends, walwriter, checkpointer…); Redis every "redis-server".
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

function statOf(pid: number): { comm: string; seconds: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const fields = stat.slice(close + 2).split(" ");
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after comm and state.
    return { comm, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** CPU seconds of these processes so far (a process that is gone counts 0). */
export function cpuSecondsOf(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (statOf(pid)?.seconds ?? 0), 0);
}

/** CPU seconds of every live process with this command name (backends that exited are not counted). */
export function cpuSecondsOfCommand(comm: string): number {
  let sum = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat?.comm === comm) sum += stat.seconds;
  }
  return sum;
}

/** This process's CPU seconds (user + system). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

export interface CpuSplit {
  [part: string]: number;
}

/** Starts a measurement; the returned function gives each part's CPU seconds since the start. */
export function measureCpu(parts: Record<string, () => number>): () => CpuSplit {
  const start = Object.fromEntries(Object.entries(parts).map(([name, read]) => [name, read()]));
  return () => Object.fromEntries(Object.entries(parts).map(([name, read]) => [name, read() - start[name]!]));
}
