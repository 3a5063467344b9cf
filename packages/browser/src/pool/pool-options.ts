import type { ChromiumSandboxMode, SandboxUser } from "./chromium-sandbox.ts";
import type { EgressLink } from "@browserfleet/egress";
import type { Logger } from "@browserfleet/runtime";

export interface BrowserPoolOptions {
  chromiumPath: string;
  extraArgs?: string[];
  /** Chromium's sandbox (default auto: kept wherever it can work, else a loud fallback to --no-sandbox). */
  sandbox?: ChromiumSandboxMode;
  /** Who Chromium runs as when the worker is root (default nobody, 65534:65534). */
  sandboxUser?: SandboxUser;
  /** Variables Chromium gets besides PATH and its private HOME; nothing of the worker's own environment reaches it. */
  chromiumEnv?: Record<string, string>;
  /** Pages (withContext calls) one browser serves before it is replaced (a long-lived Chromium grows and leaks). */
  recycleAfterPages: number;
  /** Calls one shared context serves before a fresh one replaces it (bounds what a job's pages accumulate); default 50. */
  maxPagesPerContext?: number;
  /** How long a shared context with no call in it is kept for its key; default 5000 ms. */
  contextIdleMs?: number;
  launchTimeoutMs?: number;
  /** How long close() waits for in-flight calls before closing the browser under them. */
  closeTimeoutMs?: number;
  logger: Logger;
  /** Sends all of Chromium's traffic through this egress proxy (startEgressProxy); the caller closes it after the pool. */
  egress?: EgressLink;
}

export interface BrowserPoolStats {
  /** withContext calls that have finished (one page each in the fleet's use). */
  pagesRendered: number;
  /** Contexts opened, private and shared; pagesRendered / contextsCreated is the reuse factor. */
  contextsCreated: number;
  /** Browsers launched to replace another one (recycling or a crash). */
  restarts: number;
  /** Why browsers were retired or lost since the pool started (each makes the next context launch a new one). */
  restartsByReason: Record<BrowserRestartReason, number>;
  /** Contexts open now, idle shared ones included. */
  openContexts: number;
  /** withContext calls running now. */
  activePages: number;
  /** The current Chromium's main process, for operators and crash tests. */
  browserPid: number | null;
}

/** recycle: served recycleAfterPages; crash: Chromium disconnected unexpectedly; context_close_timeout: a context would not close. */
export const BROWSER_RESTART_REASONS = ["recycle", "crash", "context_close_timeout"] as const;
export type BrowserRestartReason = (typeof BROWSER_RESTART_REASONS)[number];

export class BrowserPoolClosedError extends Error {
  constructor() {
    super("the browser pool is closed");
    this.name = "BrowserPoolClosedError";
  }
}
