import { readdir, readFile } from "node:fs/promises";

/** At most this many processes are read per call (~1 ms each): a scrape's cost stays bounded whatever runs below the worker. */
export const MAX_DESCENDANTS = 256;

export interface DescendantMemory {
  /** Memory of every process below `rootPid`, each process's share (see processBytes), summed. */
  bytes: number;
  processes: number;
}

/**
 * The memory of a process's descendants (for the worker: its Chromium browsers, renderers and helpers), read from
 * Linux's /proc: children from /proc/<pid>/task/<tid>/children, each one's memory by processBytes. Summing RSS instead
 * would count Chromium's shared pages once per process (measured here: 1.3 GB of RSS for 0.4 GB of PSS in one
 * browser). A process that exits mid-walk is skipped. Null where /proc has no children files (not Linux, or a kernel
 * without them).
 */
export async function readDescendantMemory(rootPid: number = process.pid, maxProcesses = MAX_DESCENDANTS): Promise<DescendantMemory | null> {
  const roots = await childrenOf(rootPid);
  if (roots === null) return null;
  const queue = [...roots];
  const seen = new Set<number>([rootPid]);
  let bytes = 0;
  let processes = 0;
  while (queue.length > 0 && processes < maxProcesses) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const [own, children] = await Promise.all([processBytes(pid), childrenOf(pid)]);
    if (own === null) continue;
    bytes += own;
    processes += 1;
    queue.push(...(children ?? []));
  }
  return { bytes, processes };
}

async function childrenOf(pid: number): Promise<number[] | null> {
  let tasks: string[];
  try {
    tasks = await readdir(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  const lists = await Promise.all(tasks.map((tid) => readFile(`/proc/${pid}/task/${tid}/children`, "utf8").catch(() => null)));
  if (lists.every((l) => l === null)) return null;
  return lists.flatMap((l) => (l ?? "").split(" ").filter((s) => s !== "").map(Number));
}

/**
 * A process's share of memory: its PSS (shared pages divided among the processes sharing them) where its smaps_rollup
 * is readable (root, or the same user and a dumpable process); otherwise its anonymous plus shared-memory RSS from
 * /proc/<pid>/status, which anyone may read (file-backed pages, the shared libraries, left out). Null for a process
 * gone (or a kernel thread, which has none).
 */
async function processBytes(pid: number): Promise<number | null> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8").catch(() => null);
  const pss = rollup === null ? undefined : /^Pss:\s+(\d+) kB$/m.exec(rollup)?.[1];
  if (pss !== undefined) return Number(pss) * 1024;
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => null);
  const anon = status === null ? undefined : /^RssAnon:\s+(\d+) kB$/m.exec(status)?.[1];
  if (anon === undefined) return null;
  const shmem = /^RssShmem:\s+(\d+) kB$/m.exec(status!)?.[1] ?? "0";
  return (Number(anon) + Number(shmem)) * 1024;
}
