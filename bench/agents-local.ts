// The baselines and measuring tools of bench/agents.ts: a Chromium launched here directly (spawned,
// DevTools on 127.0.0.1, the machine's flags; nothing from packages/browser, so the baseline does not
// depend on the code it is measured against), Playwright attached to a CDP endpoint up to a ready page,
// sequential Runtime.evaluate round trips, and the PSS of a process tree read from /proc.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium, type Browser, type Page } from "playwright-core";
import { WebSocket } from "ws";
import { descendantsOf } from "../test/support/process-tree.ts";
import { MACHINE_CHROMIUM_ARGS } from "./support/machine-chromium-args.ts";

export interface LocalChromium {
  pid: number;
  /** ws://127.0.0.1:<port>/devtools/browser/<guid>, as Chromium printed it. */
  wsUrl: string;
  /** spawn → "DevTools listening on" printed. */
  launchMs: number;
  close(): Promise<void>;
}

const LAUNCH_TIMEOUT_MS = 30_000;

/** Spawns Chromium headless with a DevTools port the OS picks on loopback and one page at `url`. */
export async function launchLocalChromium(chromiumPath: string, extraArgs: readonly string[], url = "about:blank"): Promise<LocalChromium> {
  const userDataDir = await mkdtemp(join(tmpdir(), "bench-agents-local-"));
  const started = performance.now();
  const child = spawn(
    chromiumPath,
    [...MACHINE_CHROMIUM_ARGS, ...extraArgs, "--headless", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", `--user-data-dir=${userDataDir}`, url],
    { stdio: ["ignore", "ignore", "pipe"], env: { PATH: process.env.PATH ?? "", HOME: userDataDir } },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  };
  try {
    const wsUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools URL within ${LAUNCH_TIMEOUT_MS} ms`)), LAUNCH_TIMEOUT_MS);
      const tail: string[] = [];
      createInterface({ input: child.stderr! }).on("line", (line) => {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        const found = /DevTools listening on (ws:\/\/\S+)/.exec(line);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`Chromium exited (${code}) before it listened:\n${tail.join("\n")}`));
      });
    });
    return { pid: child.pid!, wsUrl, launchMs: performance.now() - started, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface Attached {
  browser: Browser;
  page: Page;
  /** connectOverCDP called → contexts()[0].pages()[0] evaluated '1'. */
  ms: number;
}

/** Playwright attached to `endpoint` until its first page answers; throws if there is no page to take. */
export async function attachFirstPage(endpoint: string): Promise<Attached> {
  const started = performance.now();
  const browser = await chromium.connectOverCDP(endpoint);
  const page = browser.contexts()[0]?.pages()[0];
  if (!page) {
    await browser.close();
    throw new Error(`${endpoint.replace(/token=[^&]+/, "token=…")} offered no page`);
  }
  await page.evaluate("1");
  return { browser, page, ms: performance.now() - started };
}

/** `count` sequential Runtime.evaluate of 1+1 over a CDP session of `page`, after `warmup` unmeasured ones; per-call ms. */
export async function evaluateRoundTrips(page: Page, count: number, warmup = 20): Promise<number[]> {
  const session = await page.context().newCDPSession(page);
  try {
    const once = async (): Promise<number> => {
      const started = performance.now();
      const answer = (await session.send("Runtime.evaluate", { expression: "1+1", returnByValue: true })) as { result: { value?: unknown } };
      const ms = performance.now() - started;
      if (answer.result.value !== 2) throw new Error(`Runtime.evaluate answered ${JSON.stringify(answer)}`);
      return ms;
    };
    for (let i = 0; i < warmup; i += 1) await once();
    const samples: number[] = [];
    for (let i = 0; i < count; i += 1) samples.push(await once());
    return samples;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/** The DevTools endpoint of a running Chromium (its DevToolsActivePort file, under the --user-data-dir of its command line). */
export function devtoolsEndpointOf(pid: number): string {
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  const userDataDir = cmdline.find((a) => a.startsWith("--user-data-dir="))?.slice("--user-data-dir=".length);
  if (!userDataDir) throw new Error(`process ${pid} has no --user-data-dir`);
  const [port, path] = readFileSync(join(userDataDir, "DevToolsActivePort"), "utf8").split("\n");
  return `ws://127.0.0.1:${port}${path}`;
}

/** Proportional set size of `pid` and every process below it, in KiB (shared pages split among all who map them). */
export function pssKibOfTree(pid: number): { kib: number; processes: number } {
  let kib = 0;
  let processes = 0;
  for (const p of [pid, ...descendantsOf(pid).map((d) => d.pid)]) {
    try {
      const found = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"));
      if (found) {
        kib += Number(found[1]);
        processes += 1;
      }
    } catch {
      // exited while being read
    }
  }
  return { kib, processes };
}

/** True while `pid` runs (a zombie waiting for its parent's wait() counts as gone). */
export function isRunning(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Waits until none of `pids` runs, or `timeoutMs`; answers how many still do. */
export async function untilGone(pids: number[], timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let left = pids.filter(isRunning);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = left.filter(isRunning);
  }
  return left.length;
}

export const mean = (samples: number[]): number => (samples.length === 0 ? Number.NaN : samples.reduce((a, b) => a + b, 0) / samples.length);

export interface RawCdp {
  /** new WebSocket → 'open'. */
  openMs: number;
  /** `count` sequential Runtime.evaluate of 1+1 in the first page (flat session), after `warmup` unmeasured ones; per-call ms. */
  roundTrips(count: number, warmup?: number): Promise<number[]>;
  close(): void;
}

/** A bare `ws` client on a browser endpoint, JSON by hand: the round trip without Playwright's own cost. */
export async function rawCdp(endpoint: string): Promise<RawCdp> {
  const started = performance.now();
  const socket = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
  });
  const openMs = performance.now() - started;
  let nextId = 1;
  const pending = new Map<number, (message: { result?: Record<string, unknown>; error?: unknown }) => void>();
  socket.on("message", (data: Buffer) => {
    const message = JSON.parse(data.toString("utf8")) as { id?: number; result?: Record<string, unknown>; error?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message);
  });
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (message) => {
        pending.delete(id);
        if (message.error !== undefined) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
        else resolve(message.result ?? {});
      });
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  const { targetInfos } = (await send("Target.getTargets")) as { targetInfos: { targetId: string; type: string }[] };
  const target = targetInfos.find((t) => t.type === "page");
  if (!target) throw new Error("no page target");
  const { sessionId } = (await send("Target.attachToTarget", { targetId: target.targetId, flatten: true })) as { sessionId: string };
  return {
    openMs,
    roundTrips: async (count, warmup = 20) => {
      const samples: number[] = [];
      for (let i = 0; i < warmup + count; i += 1) {
        const t0 = performance.now();
        const result = (await send("Runtime.evaluate", { expression: "1+1", returnByValue: true }, sessionId)) as { result: { value?: unknown } };
        const ms = performance.now() - t0;
        if (result.result.value !== 2) throw new Error(`Runtime.evaluate answered ${JSON.stringify(result)}`);
        if (i >= warmup) samples.push(ms);
      }
      return samples;
    },
    close: () => socket.close(),
  };
}
