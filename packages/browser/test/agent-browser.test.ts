import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandLine } from "../../../test/support/pid-watch.ts";
import { AGENT_PROFILES_DIR, AgentBrowserLauncher, LOOPBACK_ONLY_RESOLVER_ARG, type AgentBrowser, type AgentBrowserOptions } from "../src/index.ts";
import { CHROMIUM_PATH, isAlive, memoryLogger } from "./helpers.ts";

// A dedicated Chromium for a remote CDP client: spawned by us (no Playwright launch, so no --enable-automation),
// through the pool's wrapper and sandbox plans, with Chromium's own minimal environment.
const DATABASE_URL = "postgresql://agent-test:do-not-leak@127.0.0.1:1/never";
const userNamespaces = spawnSync("unshare", ["--user", "--map-root-user", "true"]).status === 0;
const isRoot = process.getuid?.() === 0;
const savedDatabaseUrl = process.env.DATABASE_URL;
const launched: AgentBrowser[] = [];

function launcher(options: Partial<AgentBrowserOptions> = {}): AgentBrowserLauncher {
  return new AgentBrowserLauncher({ chromiumPath: CHROMIUM_PATH, extraArgs: [LOOPBACK_ONLY_RESOLVER_ARG], logger: memoryLogger(), ...options });
}

async function launch(from: AgentBrowserLauncher = launcher()): Promise<AgentBrowser> {
  const agent = await from.launch();
  launched.push(agent);
  return agent;
}

/** A stand-in for Chromium: a shell script with `body`. */
function fakeChromium(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}

let agent: AgentBrowser;
let fakes: string;

beforeAll(async () => {
  // The test process plays the worker: its DATABASE_URL must never reach Chromium.
  process.env.DATABASE_URL = DATABASE_URL;
  fakes = mkdtempSync(join(tmpdir(), "bf-agent-fakes-"));
  // Readable by the sandbox user the wrapper drops to when the test runs as root.
  chmodSync(fakes, 0o755);
  agent = await launch();
});

afterAll(async () => {
  await Promise.all(launched.map((a) => a.close()));
  rmSync(fakes, { recursive: true, force: true });
  if (savedDatabaseUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedDatabaseUrl;
});

describe("an agent browser", () => {
  it("listens for DevTools on 127.0.0.1 at the URL it printed", async () => {
    expect(agent.browserWsUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${agent.port}/devtools/browser/[0-9a-f-]+$`));
    const response = await fetch(`http://127.0.0.1:${agent.port}/json/version`);
    expect(response.status).toBe(200);
    const version = (await response.json()) as { webSocketDebuggerUrl?: string };
    expect(version.webSocketDebuggerUrl).toBe(agent.browserWsUrl);
  });

  it("shows a CDP client one context with one blank page, and navigator.webdriver false", async () => {
    const browser = await chromium.connectOverCDP(agent.browserWsUrl);
    try {
      const contexts = browser.contexts();
      expect(contexts).toHaveLength(1);
      const pages = contexts[0]!.pages();
      expect(pages).toHaveLength(1);
      expect(pages[0]!.url()).toBe("about:blank");
      expect(await pages[0]!.evaluate(() => navigator.webdriver)).toBe(false);
    } finally {
      await browser.close();
    }
  });

  it("runs with Chromium's own environment and flags: no DATABASE_URL, a HOME in its profile, no --enable-automation", () => {
    expect(process.env.DATABASE_URL).toBe(DATABASE_URL);
    const environ = readFileSync(`/proc/${agent.pid}/environ`, "utf8").split("\0");
    expect(environ.some((v) => v.startsWith("DATABASE_URL="))).toBe(false);
    expect(environ.join("\n")).not.toContain("do-not-leak");
    expect(environ).toContain(`HOME=${agent.userDataDir}/home`);
    const cmdline = commandLine(agent.pid);
    expect(cmdline).toContain(`--user-data-dir=${agent.userDataDir}`);
    expect(cmdline).toContain("--headless");
    expect(cmdline).not.toContain("--enable-automation");
    if (userNamespaces) expect(cmdline).not.toContain("--no-sandbox");
    if (isRoot) expect(/^Uid:\s*(\d+)/m.exec(readFileSync(`/proc/${agent.pid}/status`, "utf8"))?.[1]).toBe("65534");
  });

  it("launches independent browsers side by side", async () => {
    const from = launcher();
    const [a, b] = await Promise.all([launch(from), launch(from)]);
    expect(a.port).not.toBe(b.port);
    expect(a.pid).not.toBe(b.pid);
    expect(a.userDataDir).not.toBe(b.userDataDir);
    await Promise.all([a.close(), b.close()]);
    expect(isAlive(a.pid) || isAlive(b.pid)).toBe(false);
  });

  it("sends its traffic to the egress proxy when given one", async () => {
    const proxied = await launch(launcher({ egress: { url: "http://127.0.0.1:9", tunnelFailure: () => undefined } }));
    expect(commandLine(proxied.pid)).toContain("--proxy-server=http://127.0.0.1:9");
    await proxied.close();
  });

  it("close(): stops Chromium, removes its profile, and is idempotent", async () => {
    const closing = await launch();
    expect(isAlive(closing.pid)).toBe(true);
    expect(existsSync(closing.userDataDir)).toBe(true);
    await Promise.all([closing.close(), closing.close()]);
    expect(() => process.kill(closing.pid, 0)).toThrow();
    expect(existsSync(closing.userDataDir)).toBe(false);
    expect(await closing.exited).toEqual(expect.objectContaining({ code: expect.anything() as unknown }));
    await closing.close();
  });

  it("close() after Chromium died by itself still removes the profile", async () => {
    const dying = await launch();
    process.kill(dying.pid, "SIGKILL");
    expect(await dying.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(existsSync(dying.userDataDir)).toBe(true);
    await dying.close();
    expect(existsSync(dying.userDataDir)).toBe(false);
  });
});

describe("an agent browser that cannot start", () => {
  it("says so plainly when chromiumPath is no executable", async () => {
    await expect(launcher({ chromiumPath: join(fakes, "no-such-chromium") }).launch()).rejects.toThrow(/Chromium is not an executable file at .*no-such-chromium/);
  });

  it("reports Chromium's stderr when it exits before listening, and leaves no profile behind", async () => {
    const exits = fakeChromium(fakes, "exits", 'echo "cannot open display: agent-test" >&2\nexit 3');
    const before = profileDirs();
    await expect(launcher({ chromiumPath: exits, sandbox: "off" }).launch()).rejects.toThrow(/exited \(code 3\) before it listened for DevTools[\s\S]*cannot open display: agent-test/);
    expect(profileDirs()).toEqual(before);
  });

  it("times out, kills it and reports its stderr when it never listens", async () => {
    const hangs = fakeChromium(fakes, "hangs", 'echo "still thinking" >&2\nexec sleep 617');
    const log = memoryLogger();
    const before = profileDirs();
    const startedAt = Date.now();
    await expect(launcher({ chromiumPath: hangs, sandbox: "off", launchTimeoutMs: 500, logger: log }).launch()).rejects.toThrow(
      /no DevTools URL within 500 ms[\s\S]*still thinking/,
    );
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(profileDirs()).toEqual(before);
    expect(spawnSync("pgrep", ["-f", "^sleep 617$"]).stdout.toString()).toBe("");
  });

  it("auto: falls back to --no-sandbox when the sandbox cannot start, and says why", async () => {
    const noSandbox = fakeChromium(
      fakes,
      "no-userns",
      `case " $* " in *" --no-sandbox "*) exec ${CHROMIUM_PATH} "$@" ;; esac\necho "No usable sandbox! (this test's kernel has no user namespaces)" >&2\nexit 1`,
    );
    const log = memoryLogger();
    const from = launcher({ chromiumPath: noSandbox, logger: log });
    const fallback = await launch(from);
    expect(commandLine(fallback.pid)).toContain("--no-sandbox");
    const warning = log.lines.find((l) => l.level === "warn" && String(l.msg).includes("CHROMIUM SANDBOX UNAVAILABLE"));
    expect(JSON.stringify(warning?.obj)).toContain("No usable sandbox");
    // Later launches reuse the chosen plan without trying (or warning) again.
    const again = await launch(from);
    expect(commandLine(again.pid)).toContain("--no-sandbox");
    expect(log.lines.filter((l) => l.level === "warn")).toHaveLength(1);
    await Promise.all([fallback.close(), again.close()]);
  });

  it("on: refuses to start without the sandbox", async () => {
    const noSandbox = join(fakes, "no-userns");
    await expect(launcher({ chromiumPath: noSandbox, sandbox: "on" }).launch()).rejects.toThrow(/CHROMIUM_SANDBOX=on: Chromium could not start sandboxed.*No usable sandbox/);
  });
});

function profileDirs(): string[] {
  return spawnSync("sh", ["-c", `ls -d ${AGENT_PROFILES_DIR}/*/profile-* 2>/dev/null`]).stdout.toString().split("\n").filter(Boolean).sort();
}
