import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, readdir, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";

/** Where every worker process keeps its agent browsers' profile dirs, one root per process. */
export const AGENT_PROFILES_DIR = join(tmpdir(), "browserfleet-agents");

/**
 * `<host>_<pid>-<start>-<random>`: start is the process's start time (Linux clock ticks since boot), so a reused pid is
 * no owner; host because a pid means something only in its own pid namespace (containers sharing a /tmp volume have
 * their own hostnames too), so a sweep only judges roots its own host made.
 */
const ROOT_NAME = /^(.+)_(\d+)-(\d+|x)-[0-9a-f]+$/;

/** The host part of a root's name: the hostname with anything but [A-Za-z0-9.-] replaced. */
export const rootHost = (): string => hostname().replace(/[^A-Za-z0-9.-]/g, "-");

// Traversable but not listable by others: a sandboxed Chromium (another uid) reaches its own chowned profile dir below.
const ROOT_MODE = 0o711;

/** A process's start time from /proc (field 22 of stat), or null where there is no /proc or no such process. */
async function processStartTicks(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields from after its last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

let ownRoot: Promise<string> | null = null;

/** This process's root for agent profile dirs (created on first use, 0711 like its parent). */
export function agentProfileRoot(parent: string = AGENT_PROFILES_DIR): Promise<string> {
  if (parent !== AGENT_PROFILES_DIR) return createRoot(parent);
  ownRoot ??= createRoot(parent).catch((err: unknown) => {
    ownRoot = null;
    throw err;
  });
  return ownRoot;
}

async function createRoot(parent: string): Promise<string> {
  await mkdir(parent, { recursive: true, mode: ROOT_MODE });
  await chmod(parent, ROOT_MODE).catch(() => undefined);
  const root = join(parent, `${rootHost()}_${process.pid}-${(await processStartTicks(process.pid)) ?? "x"}-${randomBytes(4).toString("hex")}`);
  await mkdir(root, { mode: ROOT_MODE });
  // mkdir's mode goes through the umask.
  await chmod(root, ROOT_MODE);
  return root;
}

/** Whether the process that made root `name` (on this host) is gone: its pid is dead, or now belongs to a process started at another time. */
async function ownerIsGone(name: string): Promise<boolean> {
  const match = ROOT_NAME.exec(name);
  if (match === null || match[1] !== rootHost()) return false;
  const pid = Number(match[2]);
  if (!pidIsAlive(pid)) return true;
  if (match[3] === "x") return false;
  const start = await processStartTicks(pid);
  return start !== null && start !== match[3];
}

/**
 * Removes the profile roots of worker processes that are gone (a SIGKILLed worker leaves its
 * agents' profile dirs behind: nothing ran its close). A live process's root is never touched,
 * nor another host's, nor anything whose name is not a root's. Returns the roots removed.
 */
export async function sweepOrphanedProfileRoots(parent: string = AGENT_PROFILES_DIR): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!(await ownerIsGone(name))) continue;
    const path = join(parent, name);
    await rm(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
    removed.push(path);
  }
  return removed;
}
