import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { EgressBytes, EgressLink, MeteredEgressLink } from "@browserfleet/egress";
import type { Logger } from "@browserfleet/runtime";
import { BASE_CHROMIUM_ARGS, egressChromiumArgs } from "../pool/chromium-args.ts";
import { chromiumEnvironment } from "../pool/chromium-environment.ts";
import { LaunchPlanChooser, stderrFailureReason, type LaunchFailureReading } from "../pool/chromium-launcher.ts";
import type { ChromiumSandboxMode, LaunchPlan, SandboxUser } from "../pool/chromium-sandbox.ts";
import { chromiumWrapperScript, withChromiumWrapper } from "../pool/chromium-wrapper.ts";
import { errorMessage } from "../pool/pool-support.ts";
import { agentProfileRoot } from "./agent-profile-root.ts";
import { AgentBrowserLaunchError, ChromiumProcess, type ChromiumExit } from "./agent-chromium-process.ts";

export { AgentBrowserLaunchError } from "./agent-chromium-process.ts";

export interface AgentBrowserOptions {
  chromiumPath: string;
  /** CHROMIUM_EXTRA_ARGS. */
  extraArgs?: string[];
  /** Chromium's sandbox, as BrowserPoolOptions.sandbox (default auto). */
  sandbox?: ChromiumSandboxMode;
  /** Who Chromium runs as when this process is root (default nobody, 65534:65534). */
  sandboxUser?: SandboxUser;
  /** Variables Chromium gets besides PATH and its private HOME; nothing of this process's own environment reaches it. */
  chromiumEnv?: Record<string, string>;
  /** Sends all of Chromium's traffic through this egress proxy, as the pool does (shared, so not metered per browser). */
  egress?: EgressLink;
  /**
   * Starts an egress proxy for each browser instead (wins over `egress`): its bytes are the browser's alone
   * (AgentBrowser.egressBytes), and it is closed with the browser.
   */
  egressPerBrowser?: () => Promise<MeteredEgressLink>;
  /** Where this process's profile dirs go; default its own root under AGENT_PROFILES_DIR (agent-profile-root.ts). */
  profilesRoot?: string;
  /** How long Chromium may take to print its DevTools URL; default 30000 ms. */
  launchTimeoutMs?: number;
  logger: Logger;
}

/** A dedicated Chromium listening for one remote CDP client on 127.0.0.1. */
export interface AgentBrowser {
  /** Chromium's browser process. */
  pid: number;
  /** Its DevTools port on 127.0.0.1. */
  port: number;
  /** ws://127.0.0.1:<port>/devtools/browser/<guid>, as Chromium printed it. */
  browserWsUrl: string;
  userDataDir: string;
  /** Bytes through the browser's own egress proxy since launch or the last meterFromNow(); zeros without one. */
  egressBytes(): EgressBytes;
  /** Counts egressBytes from zero again: a warm browser handed to a session carries nothing of its wait. */
  meterFromNow(): void;
  /** Resolves when the process exits; never rejects. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * SIGTERM (Chromium flushes its profile), then SIGKILL after `timeoutMs` (default 5000); waits for the exit, runs
   * `beforeRemove` on the profile dir (a persistent agent saves it there), removes userDataDir and closes the browser's own
   * egress proxy (its bytes stay readable). Idempotent: later
   * calls wait for the first.
   */
  close(timeoutMs?: number, options?: { beforeRemove?: (userDataDir: string) => Promise<void> }): Promise<void>;
}

export interface AgentLaunchOptions {
  /** Fills the fresh profile dir before Chromium starts (a persistent agent's saved profile). */
  prepareProfile?: (userDataDir: string) => Promise<void>;
}

const DEFAULT_LAUNCH_TIMEOUT_MS = 30_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 5000;
/** How long a launch or close waits for Chromium's helper processes to let go after the browser process exited. */
const HELPERS_SETTLE_MS = 2000;

/** The quiet flags Playwright gives Chromium, minus --enable-automation (it makes navigator.webdriver true) and --disable-dev-shm-usage. */
const AGENT_QUIET_ARGS: readonly string[] = ["--no-default-browser-check", "--password-store=basic", "--use-mock-keychain", "--hide-scrollbars", "--mute-audio"];

/** Chromium's command line for an agent browser: the fleet's flags, then the ones that make it a DevTools server, then one blank page. */
export function agentChromiumArgs(options: Pick<AgentBrowserOptions, "extraArgs" | "egress">, plan: LaunchPlan, userDataDir: string): string[] {
  return [
    ...BASE_CHROMIUM_ARGS,
    ...(options.egress === undefined ? [] : egressChromiumArgs(options.egress.url)),
    ...(options.extraArgs ?? []),
    // After the extra ones, so these win wherever a flag is given twice.
    "--headless",
    "--remote-debugging-port=0",
    // The worker's lifeline: Chromium exits when this pipe closes (see ChromiumProcess).
    "--remote-debugging-pipe",
    "--remote-debugging-address=127.0.0.1",
    `--user-data-dir=${userDataDir}`,
    // Headless Chromium with remote debugging says navigator.webdriver = true even without --enable-automation; a remote client's pages must not.
    "--disable-blink-features=AutomationControlled",
    ...AGENT_QUIET_ARGS,
    ...(plan.sandbox ? [] : ["--no-sandbox"]),
    "about:blank",
  ];
}

const AGENT_LAUNCH_FAILURES: LaunchFailureReading = {
  isTimeout: (err) => err instanceof AgentBrowserLaunchError && err.timedOut,
  reason: (err) => (err instanceof AgentBrowserLaunchError ? stderrFailureReason(err.stderrTail.split("\n")) : errorMessage(err).split("\n")[0] ?? "unknown"),
};

const describeExit = (exit: ChromiumExit): string => (exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code}`);

/**
 * Launches dedicated Chromiums for remote CDP clients. It spawns Chromium itself (Playwright's
 * launch adds --enable-automation), through the pool's launch wrapper and sandbox plans: the
 * first launch tries the plans best first and keeps the first that starts, later ones reuse it.
 */
export class AgentBrowserLauncher {
  private readonly options: AgentBrowserOptions;
  private readonly plans: LaunchPlanChooser;

  constructor(options: AgentBrowserOptions) {
    this.options = options;
    this.plans = new LaunchPlanChooser(options, AGENT_LAUNCH_FAILURES);
  }

  launch(options: AgentLaunchOptions = {}): Promise<AgentBrowser> {
    return this.plans.launch((plan, setpriv) => this.launchWith(plan, setpriv, options));
  }

  private async launchWith(plan: LaunchPlan, setpriv: string | null, options: AgentLaunchOptions): Promise<AgentBrowser> {
    const startedAt = performance.now();
    const timeoutMs = this.options.launchTimeoutMs ?? DEFAULT_LAUNCH_TIMEOUT_MS;
    // Private (0700); the wrapper hands it to the sandbox user before it drops to it.
    // Under this process's root, so a boot after a SIGKILL finds and removes what it left (sweepOrphanedProfileRoots).
    const userDataDir = await mkdtemp(join(this.options.profilesRoot ?? (await agentProfileRoot()), "profile-"));
    const spawned: { chromium?: ChromiumProcess; egress?: MeteredEgressLink } = {};
    try {
      if (this.options.egressPerBrowser !== undefined) spawned.egress = await this.options.egressPerBrowser();
      const args = agentChromiumArgs({ extraArgs: this.options.extraArgs, egress: spawned.egress ?? this.options.egress }, plan, userDataDir);
      await options.prepareProfile?.(userDataDir);
      // The wrapper exec's Chromium, so the spawned pid is Chromium's and the wrapper file may go once it is listening.
      const browserWsUrl = await withChromiumWrapper(chromiumWrapperScript(this.options.chromiumPath, plan, setpriv), async (wrapperPath) => {
        const chromium = new ChromiumProcess(wrapperPath, args, chromiumEnvironment(this.options.chromiumEnv));
        spawned.chromium = chromium;
        return untilListening(chromium, timeoutMs);
      });
      const agent = agentBrowser(spawned.chromium!, browserWsUrl, userDataDir, spawned.egress ?? null);
      this.options.logger.info(
        { pid: agent.pid, port: agent.port, sandbox: plan.sandbox, launchMs: Math.round(performance.now() - startedAt) },
        "agent chromium launched",
      );
      return agent;
    } catch (err) {
      if (spawned.chromium !== undefined) {
        await spawned.chromium.kill();
        await spawned.chromium.settle(HELPERS_SETTLE_MS);
      }
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      await spawned.egress?.close();
      throw err;
    }
  }
}

/** Chromium's DevTools URL, or an AgentBrowserLaunchError once it exits or `timeoutMs` passes first. */
async function untilListening(chromium: ChromiumProcess, timeoutMs: number): Promise<string> {
  const timeout = new AbortController();
  const outcome = await Promise.race([
    chromium.devtoolsListening().then((url) => ({ kind: "listening" as const, url })),
    chromium.exited.then((exit) => ({ kind: "exited" as const, exit })),
    new Promise<{ kind: "timeout" }>((resolve) => {
      const timer = setTimeout(() => resolve({ kind: "timeout" }), timeoutMs);
      timeout.signal.addEventListener("abort", () => clearTimeout(timer));
    }),
  ]);
  timeout.abort();
  switch (outcome.kind) {
    case "listening":
      return outcome.url;
    case "timeout":
      // The caller kills it.
      throw new AgentBrowserLaunchError(`Chromium printed no DevTools URL within ${timeoutMs} ms`, chromium.stderrTail(), true);
    case "exited": {
      const spawnError = chromium.failedSpawn();
      if (spawnError !== null) throw new AgentBrowserLaunchError(`Chromium could not be started: ${spawnError.message}`, chromium.stderrTail(), false, { cause: spawnError });
      // Its last words may still be in the pipe.
      await chromium.settle(HELPERS_SETTLE_MS);
      throw new AgentBrowserLaunchError(`Chromium exited (${describeExit(outcome.exit)}) before it listened for DevTools`, chromium.stderrTail(), false);
    }
  }
}

const NO_BYTES: EgressBytes = { up: 0, down: 0 };

function agentBrowser(chromium: ChromiumProcess, browserWsUrl: string, userDataDir: string, egress: MeteredEgressLink | null): AgentBrowser {
  const pid = chromium.pid;
  const port = Number(new URL(browserWsUrl).port);
  if (pid === undefined || !Number.isInteger(port) || port <= 0) throw new Error(`Chromium printed an unusable DevTools URL: ${browserWsUrl}`);
  let closing: Promise<void> | null = null;
  let baseline = NO_BYTES;
  const total = (): EgressBytes => egress?.bytes() ?? NO_BYTES;
  return {
    pid,
    port,
    browserWsUrl,
    userDataDir,
    egressBytes: () => {
      const now = total();
      return { up: now.up - baseline.up, down: now.down - baseline.down };
    },
    meterFromNow: () => void (baseline = total()),
    exited: chromium.exited,
    close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS, options = {}): Promise<void> {
      closing ??= (async () => {
        await chromium.stop(timeoutMs);
        // Its helpers (network service, zygotes) may still be writing the profile for a moment.
        await chromium.settle(HELPERS_SETTLE_MS);
        try {
          await options.beforeRemove?.(userDataDir);
        } finally {
          await rm(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
          await egress?.close();
        }
      })();
      return closing;
    },
  };
}
