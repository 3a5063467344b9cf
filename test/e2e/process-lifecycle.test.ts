import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { join } from "node:path";
import { utimes } from "node:fs/promises";
import { createTemporaryDatabase, type TemporaryDatabase } from "@browserfleet/db/testing";
import { withTimeout } from "@browserfleet/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/app-process.ts";
import { commandLine, descendantPids, isRunning, killAll, waitUntilGone } from "../support/pid-watch.ts";
import { localFleetEnv } from "../support/test-stack.ts";

// Processes must end whatever their stdout reader or their supervisor does (issue 11, item 14).
let database: TemporaryDatabase;
const leftovers: number[] = [];

beforeAll(async () => {
  database = await createTemporaryDatabase();
});

afterAll(async () => {
  killAll(leftovers);
  await database?.drop();
});

function fleetEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/root",
    ...localFleetEnv({ databaseUrl: database.url, redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" }),
    ...extra,
  };
}

/** Collects `stream`'s lines until `until` matches one, then (if asked) stops reading it for good. */
function readLinesUntil(stream: NodeJS.ReadableStream, until: (line: string) => boolean, stopReading: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let pending = "";
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop()!;
      const match = lines.find(until);
      if (match === undefined) return;
      if (stopReading) {
        stream.removeListener("data", onData);
        stream.pause();
      }
      resolve(match);
    };
    stream.on("data", onData);
    stream.once("end", () => reject(new Error("stream ended before the expected line")));
  });
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once("exit", (code) => resolve(code)));

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => withTimeout(promise, ms, `${what}: not within ${ms} ms`);

/** One malformed HTTP request: the API logs a line for each ("malformed request refused"). */
function sendGarbage(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("connect", () => socket.end("NOT HTTP AT ALL\r\n\r\n"));
    socket.on("data", () => undefined);
    socket.on("close", () => resolve());
    socket.on("error", () => resolve());
  });
}

describe("process lifecycle", () => {
  it("an API whose stdout nobody reads keeps answering, drops (and counts) log lines, and exits on SIGTERM within its timeout", async () => {
    const shutdownTimeoutMs = 5_000;
    const api = spawn(process.execPath, ["--import", "tsx", join("apps", "api", "src", "main.ts")], {
      cwd: repoRoot,
      env: fleetEnv({ LOG_MAX_BUFFERED_BYTES: "65536", SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) }),
      stdio: ["ignore", "pipe", "ignore"],
    });
    leftovers.push(api.pid!);
    const ready = await within(readLinesUntil(api.stdout!, (line) => line.includes('"api listening"'), true), 60_000, "api ready");
    const port = Number((JSON.parse(ready) as { port: number }).port);

    // ~170 bytes of log per request: several times what the socket and the bounded buffer hold.
    for (let sent = 0; sent < 4_000; sent += 40) await Promise.all(Array.from({ length: 40 }, () => sendGarbage(port)));

    const health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(10_000) });
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();

    api.kill("SIGTERM");
    // Its own deadline bounds the drain; a process stuck flushing its logs never gets here.
    await within(exited(api), shutdownTimeoutMs + 10_000, "api exit after SIGTERM");
    const dropped = Number(/^browserfleet_log_lines_dropped_total\{[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? "0");
    expect(dropped).toBeGreaterThan(0);
  });

  it("when the supervisor is SIGKILLed, every app it started (and their Chromium) exits by itself", async () => {
    const supervisor = spawn(process.execPath, [join("test", "support", "run-supervisor.mjs"), "api", "worker", "dispatcher"], {
      cwd: repoRoot,
      env: fleetEnv({ LOG_FORMAT: "json" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    leftovers.push(supervisor.pid!);
    supervisor.stderr!.resume();
    const started = new Set<string>();
    await within(
      readLinesUntil(
        supervisor.stdout!,
        (line) => {
          const msg = /"msg":"(api listening|worker ready|dispatcher ready)"/.exec(line)?.[1];
          if (msg !== undefined) started.add(msg);
          return started.size === 3;
        },
        false,
      ),
      90_000,
      "apps ready",
    );
    const below = descendantPids(supervisor.pid!);
    leftovers.push(...below);
    expect(below.filter((pid) => commandLine(pid).includes("apps/"))).toHaveLength(3);

    supervisor.kill("SIGKILL");
    // SHUTDOWN_TIMEOUT_MS is 10 s in the fleet env: each child is gone well before this.
    const running = await waitUntilGone(below, 40_000);
    expect(running.map((pid) => `${pid} ${commandLine(pid).slice(0, 80)}`)).toEqual([]);
  });

  it("a child that ignores SIGTERM is SIGKILLed once its grace period is over, and the supervisor then exits", async () => {
    const supervisor = spawn(process.execPath, [join("test", "support", "run-supervisor.mjs"), "ignore-sigterm"], {
      cwd: repoRoot,
      env: fleetEnv({ LOG_FORMAT: "json", SHUTDOWN_TIMEOUT_MS: "1000", SUPERVISOR_KILL_GRACE_MS: "500" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    leftovers.push(supervisor.pid!);
    let said = "";
    supervisor.stderr!.on("data", (chunk: Buffer) => (said += chunk.toString("utf8")));
    const line = await within(readLinesUntil(supervisor.stdout!, (l) => l.includes("ignoring SIGTERM"), false), 30_000, "child ready");
    const childPid = (JSON.parse(line) as { pid: number }).pid;
    leftovers.push(childPid);

    supervisor.kill("SIGTERM");
    const code = await within(exited(supervisor), 30_000, "supervisor exit");
    expect(isRunning(childPid)).toBe(false);
    expect(code).toBe(1);
    expect(said).toMatch(/ignore-sigterm still running 1500 ms after SIGTERM: SIGKILL/);
  });

  it("npm run dev's watch mode drains and restarts an app when a file it imports changes, and stops it with the supervisor", async () => {
    const supervisor = spawn(process.execPath, [join("test", "support", "run-supervisor.mjs"), "watch:dispatcher"], {
      cwd: repoRoot,
      env: fleetEnv({ LOG_FORMAT: "json" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    leftovers.push(supervisor.pid!);
    supervisor.stderr!.resume();
    const pidOf = (line: string): number => (JSON.parse(line) as { pid: number }).pid;
    const first = pidOf(await within(readLinesUntil(supervisor.stdout!, (l) => l.includes('"msg":"dispatcher ready"'), false), 60_000, "dispatcher ready"));
    leftovers.push(first);

    // A changed mtime is a change to the watcher; the file's content stays as it is.
    const seen: string[] = [];
    const restarted = readLinesUntil(
      supervisor.stdout!,
      (l) => {
        if (l.startsWith('{"')) seen.push(`${pidOf(l)} ${(JSON.parse(l) as { msg: string }).msg}`);
        return l.includes('"msg":"dispatcher ready"') && pidOf(l) !== first;
      },
      false,
    );
    const now = new Date();
    await utimes(join(repoRoot, "apps", "dispatcher", "src", "main.ts"), now, now);
    const second = pidOf(await within(restarted, 60_000, "dispatcher ready again"));
    leftovers.push(second);
    // The old process drained before the new one started: it said so, and it is gone.
    expect(seen.indexOf(`${first} shutdown complete`)).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf(`${first} shutdown complete`)).toBeLessThan(seen.indexOf(`${second} dispatcher ready`));
    expect(isRunning(first)).toBe(false);

    const below = descendantPids(supervisor.pid!);
    supervisor.kill("SIGTERM");
    expect(await within(exited(supervisor), 30_000, "supervisor exit")).toBe(0);
    const running = await waitUntilGone(below, 20_000);
    expect(running.map((pid) => `${pid} ${commandLine(pid).slice(0, 80)}`)).toEqual([]);
  });
});
