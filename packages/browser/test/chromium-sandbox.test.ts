import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureSite, type FixtureSite } from "../../../test/support/fixture-site.ts";
import { commandLine, descendantPids } from "../../../test/support/pid-watch.ts";
import { launchPlans } from "../src/pool/chromium-sandbox.ts";
import { chromiumWrapperScript } from "../src/pool/chromium-wrapper.ts";
import type { BrowserPool } from "../src/index.ts";
import { CHROMIUM_PATH, memoryLogger, testPool } from "./helpers.ts";

// Chromium is contained (issue 11, item 4): none of the worker's environment reaches it, and its
// renderers run in the sandbox whenever the kernel allows one (here: unprivileged user namespaces).
const SECRET_NAME = "BF_TEST_WORKER_SECRET";
const secret = `bf-secret-${randomUUID()}`;
// What the machine offers, asked outside Chromium: can an unprivileged process make a user namespace?
const userNamespaces = spawnSync("unshare", ["--user", "--map-root-user", "true"]).status === 0;
const isRoot = process.getuid?.() === 0;

let site: FixtureSite;
let pool: BrowserPool;
const logger = memoryLogger();

beforeAll(async () => {
  // The test process plays the worker: a secret in its environment must never reach Chromium.
  process.env[SECRET_NAME] = secret;
  site = await startFixtureSite();
  pool = testPool({ logger });
  await pool.start();
});

afterAll(async () => {
  await pool?.close();
  await site?.close();
  delete process.env[SECRET_NAME];
});

function statusField(pid: number, field: string): string | undefined {
  return new RegExp(`^${field}:\\s*(.*)$`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]?.trim();
}

/** Chromium's processes now, with the page open: the browser and everything below it. */
function chromiumProcesses(): { pid: number; cmdline: string }[] {
  const browserPid = pool.stats().browserPid;
  expect(browserPid).not.toBeNull();
  return [browserPid!, ...descendantPids(browserPid!)].map((pid) => ({ pid, cmdline: commandLine(pid) })).filter((p) => p.cmdline !== "");
}

describe("a contained Chromium", () => {
  it("gives no Chromium process any of the worker's environment", async () => {
    await pool.withContext(async (context) => {
      const page = await context.newPage();
      await page.goto(`${site.origin}/simple`);
      const processes = chromiumProcesses();
      expect(processes.some((p) => p.cmdline.includes("--type=renderer"))).toBe(true);
      // Every child inherits the browser process's environment (children then write their title over that area).
      for (const { pid, cmdline } of processes) {
        const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
        expect(environ.includes(secret), `${pid} ${cmdline.slice(0, 60)} holds the secret`).toBe(false);
        expect(environ.split("\0").some((v) => v.startsWith(`${SECRET_NAME}=`))).toBe(false);
      }
      const browserEnv = readFileSync(`/proc/${processes[0]!.pid}/environ`, "utf8").split("\0");
      // Its HOME is its own, inside the launch's profile dir, never the worker's.
      expect(browserEnv.find((v) => v.startsWith("HOME="))).toMatch(/^HOME=\/.*playwright_chromiumdev_profile-[^/]+\/home$/);
      await page.close();
    });
  });

  it.runIf(userNamespaces)("keeps the sandbox: no --no-sandbox, renderers in their own user and pid namespaces under seccomp", async () => {
    await pool.withContext(async (context) => {
      const page = await context.newPage();
      await page.goto(`${site.origin}/simple`);
      const processes = chromiumProcesses();
      const browser = processes[0]!;
      expect(browser.cmdline).not.toContain("--no-sandbox");
      // Root cannot use the sandbox: the worker hands Chromium to nobody.
      if (isRoot) expect(statusField(browser.pid, "Uid")?.split(/\s+/)[0]).toBe("65534");
      // The dropped browser keeps at most CAP_SYS_NICE (to rank its own processes); renderers hold no capability at all.
      if (isRoot) expect(["0000000000000000", "0000000000800000"]).toContain(statusField(browser.pid, "CapEff"));
      const renderers = processes.filter((p) => p.cmdline.includes("--type=renderer"));
      expect(renderers.length).toBeGreaterThan(0);
      for (const { pid } of renderers) {
        expect(statusField(pid, "CapEff")).toBe("0000000000000000");
        expect(statusField(pid, "Seccomp")).toBe("2");
        expect(statusField(pid, "NoNewPrivs")).toBe("1");
        expect(readlinkSync(`/proc/${pid}/ns/user`)).not.toBe(readlinkSync("/proc/self/ns/user"));
        expect(readlinkSync(`/proc/${pid}/ns/pid`)).not.toBe(readlinkSync("/proc/self/ns/pid"));
      }
      expect(await page.textContent("h1")).toBeTruthy();
      await page.close();
    });
    expect(logger.lines.filter((l) => l.level === "warn" && String(l.msg).includes("CHROMIUM SANDBOX UNAVAILABLE"))).toEqual([]);
  });
});

describe("launch plans", () => {
  const user = { uid: 65_534, gid: 65_534 };
  it("as root: sandboxed as the sandbox user, else unsandboxed as that user, else as root; on has no unsandboxed plan", () => {
    const host = { isRoot: true, setpriv: "/usr/bin/setpriv", user };
    expect(launchPlans("auto", host)).toEqual([
      { sandbox: true, runAs: user },
      { sandbox: false, runAs: user },
      { sandbox: false, runAs: null },
    ]);
    expect(launchPlans("on", host)).toEqual([{ sandbox: true, runAs: user }]);
    expect(launchPlans("off", host)).toEqual([{ sandbox: false, runAs: null }]);
    expect(() => launchPlans("on", { ...host, setpriv: null })).toThrow(/setpriv/);
  });

  it("hands a dropped Chromium CAP_SYS_NICE only when the worker holds it, and nothing else", () => {
    const plan = { sandbox: true, runAs: user };
    expect(chromiumWrapperScript("/usr/bin/chromium", plan, "/usr/bin/setpriv", true)).toContain(
      "--reuid=65534 --regid=65534 --clear-groups --inh-caps=+sys_nice --ambient-caps=+sys_nice --no-new-privs -- '/usr/bin/chromium'",
    );
    expect(chromiumWrapperScript("/usr/bin/chromium", plan, "/usr/bin/setpriv", false)).not.toContain("caps");
    expect(chromiumWrapperScript("/usr/bin/chromium", { sandbox: false, runAs: null }, null, true)).not.toContain("caps");
  });

  it("not root: the sandbox as this user, else without it", () => {
    const host = { isRoot: false, setpriv: "/usr/bin/setpriv", user };
    expect(launchPlans("auto", host)).toEqual([
      { sandbox: true, runAs: null },
      { sandbox: false, runAs: null },
    ]);
    expect(launchPlans("on", host)).toEqual([{ sandbox: true, runAs: null }]);
  });
});

describe("a kernel that gives Chromium no sandbox", () => {
  let dir: string;
  let chromium: string;
  beforeAll(() => {
    // What Chromium does without user namespaces (or the setuid helper): its sandbox cannot start, --no-sandbox can.
    dir = mkdtempSync(join(tmpdir(), "bf-no-userns-"));
    chmodSync(dir, 0o755);
    chromium = join(dir, "chromium");
    writeFileSync(
      chromium,
      `#!/bin/sh\ncase " $* " in *" --no-sandbox "*) exec ${CHROMIUM_PATH} "$@" ;; esac\necho "No usable sandbox! (this test's kernel has no user namespaces)" >&2\nexit 1\n`,
      { mode: 0o755 },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("auto: falls back to --no-sandbox (still as the sandbox user when root) and says why, loudly", async () => {
    const log = memoryLogger();
    const fallback = testPool({ chromiumPath: chromium, logger: log });
    try {
      await fallback.withContext(async (context) => {
        const page = await context.newPage();
        await page.goto(`${site.origin}/simple`);
        expect(await page.textContent("h1")).toBeTruthy();
        const browserPid = fallback.stats().browserPid!;
        expect(commandLine(browserPid)).toContain("--no-sandbox");
        if (isRoot) expect(statusField(browserPid, "Uid")?.split(/\s+/)[0]).toBe("65534");
        await page.close();
      });
      const warning = log.lines.find((l) => l.level === "warn" && String(l.msg).includes("CHROMIUM SANDBOX UNAVAILABLE"));
      expect(JSON.stringify(warning?.obj)).toContain("No usable sandbox");
    } finally {
      await fallback.close();
    }
  });

  it("on: refuses to start rather than run without the sandbox", async () => {
    const strict = testPool({ chromiumPath: chromium, sandbox: "on" });
    try {
      await expect(strict.start()).rejects.toThrow(/CHROMIUM_SANDBOX=on: Chromium could not start sandboxed.*No usable sandbox/);
    } finally {
      await strict.close();
    }
  });
});
