import { spawn, type ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";

/** How much of Chromium's stderr is kept for error messages. */
const STDERR_TAIL_CHARS = 4096;
/** A stderr line longer than this without a newline is not the DevTools line; the watcher stops buffering it. */
const MAX_PENDING_LINE_CHARS = 16_384;
const DEVTOOLS_LINE = /^DevTools listening on (ws:\/\/\S+)$/;

export interface ChromiumExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Why a spawned Chromium did not get to listening for DevTools; `stderrTail` is the end of what it said. */
export class AgentBrowserLaunchError extends Error {
  readonly stderrTail: string;
  readonly timedOut: boolean;

  constructor(message: string, stderrTail: string, timedOut: boolean, options?: ErrorOptions) {
    const said = stderrTail.trim();
    super(said === "" ? `${message} (nothing on stderr)` : `${message}; the end of its stderr:\n${said}`, options);
    this.name = "AgentBrowserLaunchError";
    this.stderrTail = stderrTail;
    this.timedOut = timedOut;
  }
}

/**
 * A Chromium started with spawn: its stderr is drained for as long as any of its processes hold
 * it (so Chromium never blocks on a full pipe), the last few KB kept, and the first
 * `DevTools listening on ws://…` line reported.
 */
export class ChromiumProcess {
  readonly child: ChildProcess;
  /** Resolves when the process has exited (or could not be spawned); never rejects. */
  readonly exited: Promise<ChromiumExit>;
  /** Resolves when every holder of its stderr has closed it, i.e. Chromium's helper processes are gone too. */
  readonly stderrClosed: Promise<void>;
  private tail = "";
  private pending = "";
  private devtoolsUrl: string | null = null;
  private readonly urlWaiters: ((url: string) => void)[] = [];
  private spawnError: Error | null = null;

  constructor(command: string, args: readonly string[], env: Record<string, string>) {
    // fds 3 and 4 are Chromium's --remote-debugging-pipe: nothing is sent on it, but Chromium exits when it reads EOF
    // there, which the kernel delivers when this process dies however it dies (SIGKILL included): no orphaned browser.
    this.child = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
    const [, , , commands, answers] = this.child.stdio as unknown as [unknown, unknown, unknown, Writable | null, Readable | null];
    commands?.on("error", () => undefined);
    answers?.on("error", () => undefined);
    answers?.resume();
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => resolve({ code, signal }));
      this.child.on("error", (err) => {
        // Only a failed spawn ends the process here; a failed kill() of a live one is not an exit.
        if (this.child.pid === undefined) {
          this.spawnError = err;
          resolve({ code: null, signal: null });
        }
      });
    });
    const stderr = this.child.stderr;
    this.stderrClosed = new Promise((resolve) => {
      if (stderr === null) return resolve();
      stderr.once("close", () => resolve());
    });
    if (stderr !== null) {
      stderr.setEncoding("utf8");
      stderr.on("data", (chunk: string) => this.onStderr(chunk));
      stderr.on("error", () => undefined);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null || this.spawnError !== null;
  }

  /** The last ~4 KB Chromium wrote to stderr. */
  stderrTail(): string {
    return this.tail;
  }

  failedSpawn(): Error | null {
    return this.spawnError;
  }

  /** The browser's DevTools WebSocket URL, once Chromium has printed it. */
  devtoolsListening(): Promise<string> {
    if (this.devtoolsUrl !== null) return Promise.resolve(this.devtoolsUrl);
    return new Promise((resolve) => this.urlWaiters.push(resolve));
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process has exited. */
  async stop(timeoutMs: number): Promise<ChromiumExit> {
    if (!this.hasExited) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
      try {
        await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.exited;
  }

  /** Kills the process now and waits for its exit. */
  async kill(): Promise<ChromiumExit> {
    if (!this.hasExited) this.child.kill("SIGKILL");
    return this.exited;
  }

  /** Waits up to `boundMs` for Chromium's helpers to let go of stderr (so its last words, and its files, are final). */
  async settle(boundMs: number): Promise<void> {
    const ac = new AbortController();
    await Promise.race([this.stderrClosed, delay(boundMs, undefined, { signal: ac.signal, ref: false }).catch(() => undefined)]);
    ac.abort();
  }

  private onStderr(chunk: string): void {
    this.tail = (this.tail + chunk).slice(-STDERR_TAIL_CHARS);
    if (this.devtoolsUrl !== null) return;
    const lines = (this.pending + chunk).split("\n");
    this.pending = lines.pop() ?? "";
    if (this.pending.length > MAX_PENDING_LINE_CHARS) this.pending = "";
    for (const line of lines) {
      const url = DEVTOOLS_LINE.exec(line.trim())?.[1];
      if (url !== undefined) {
        this.devtoolsUrl = url;
        this.pending = "";
        for (const resolve of this.urlWaiters.splice(0)) resolve(url);
        return;
      }
    }
  }
}
