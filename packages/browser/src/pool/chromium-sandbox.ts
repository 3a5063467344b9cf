import { existsSync, readFileSync } from "node:fs";

/** auto: the sandbox wherever it can work, else a loud fallback; on: never without it; off: never with it. */
export type ChromiumSandboxMode = "auto" | "on" | "off";

export interface SandboxUser {
  uid: number;
  gid: number;
}

/** One way of starting Chromium; the launcher tries a mode's plans in order and keeps the first that works. */
export interface LaunchPlan {
  /** Chromium's own sandbox (no --no-sandbox). */
  sandbox: boolean;
  /** Chromium runs as this user: it refuses its sandbox as root, and this keeps it from the worker's files and /proc. */
  runAs: SandboxUser | null;
}

/** Linux's CAP_SYS_NICE: lets Chromium's browser process raise its own threads and lower its renderers' priority. */
const CAP_SYS_NICE = 23n;

/**
 * Whether this process holds CAP_SYS_NICE (root usually does; a container may have dropped it).
 * Chromium dropped to another uid keeps it only when we can hand it on, and without it Chromium
 * cannot rank its own processes: measured here, a CPU-bound fleet then spends about twice the CPU
 * per page (new context per page, 4 at once on 2 cores: 2.1 pages/s as root, 0.9 as nobody
 * without it, 1.6 with it).
 */
export function holdsSysNice(): boolean {
  try {
    const effective = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return effective !== undefined && ((BigInt(`0x${effective}`) >> CAP_SYS_NICE) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** nobody/nogroup on Debian. */
export const DEFAULT_SANDBOX_USER: SandboxUser = { uid: 65_534, gid: 65_534 };

const SETPRIV_PATHS = ["/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv"];

/** util-linux's setpriv, which drops to another uid and execs Chromium with the fds Playwright passes. */
export function findSetpriv(): string | null {
  return SETPRIV_PATHS.find((path) => existsSync(path)) ?? null;
}

export function describePlan(plan: LaunchPlan): string {
  const as = plan.runAs === null ? "as this process's user" : `as uid ${plan.runAs.uid}`;
  return `${plan.sandbox ? "sandboxed" : "without the sandbox (--no-sandbox)"} ${as}`;
}

/**
 * The plans of a mode, best first. As root Chromium gets an unprivileged user (root cannot use the
 * sandbox, and even unsandboxed it then cannot read the worker's secrets in /proc); `on` offers no
 * unsandboxed plan, so a launch that cannot be sandboxed fails.
 */
export function launchPlans(mode: ChromiumSandboxMode, host: { isRoot: boolean; setpriv: string | null; user: SandboxUser }): LaunchPlan[] {
  const dropped = host.isRoot && host.setpriv !== null ? host.user : null;
  if (mode === "off") return [{ sandbox: false, runAs: null }];
  if (host.isRoot && dropped === null) {
    if (mode === "on") throw new Error("CHROMIUM_SANDBOX=on: the worker runs as root and setpriv (util-linux) is missing, so Chromium cannot get its sandbox");
    return [{ sandbox: false, runAs: null }];
  }
  if (mode === "on") return [{ sandbox: true, runAs: dropped }];
  const plans: LaunchPlan[] = [{ sandbox: true, runAs: dropped }, { sandbox: false, runAs: dropped }];
  if (dropped !== null) plans.push({ sandbox: false, runAs: null });
  return plans;
}
