import { readdirSync, readFileSync } from "node:fs";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

function readProcess(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (2nd field) may hold spaces and parentheses: the fields after it start past the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return { pid, ppid, cmdline: readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim() };
  } catch {
    return null; // exited while being read
  }
}

/** Every live process below `pid` (children, their children, …), read from /proc. */
export function descendantsOf(pid: number): ProcessInfo[] {
  const all = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((p): p is ProcessInfo => p !== null);
  const below = new Set([pid]);
  const found: ProcessInfo[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!below.has(p.pid) && below.has(p.ppid)) {
        below.add(p.pid);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

/** Chromium's browser processes under `pid`: the ones Playwright drives over a pipe, not a helper (`--type=…`). */
export function chromiumBrowsersOf(pid: number): number[] {
  const chromium = descendantsOf(pid).filter((p) => p.cmdline.includes("--remote-debugging-pipe") && !p.cmdline.includes("--type="));
  // A launcher that did not exec stays as a parent with the same arguments: the browser is the innermost one.
  return chromium.filter((p) => !chromium.some((q) => q.ppid === p.pid)).map((p) => p.pid);
}

/** Chromium's renderer processes under `pid` (each page's document runs in one). */
export function chromiumRenderersOf(pid: number): number[] {
  return descendantsOf(pid)
    .filter((p) => p.cmdline.includes("--type=renderer"))
    .map((p) => p.pid);
}
