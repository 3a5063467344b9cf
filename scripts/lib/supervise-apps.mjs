// Runs apps/<name> as children of this script, prints their log lines tagged with who wrote
// them, and drains them all exactly once: on Ctrl-C, SIGTERM, SIGHUP, or when one exits by itself.
// A child that outlives its shutdown timeout is SIGKILLed; if this script dies, the children
// see their IPC channel close and shut down by themselves.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { prettyLine } from "./pretty-log.mjs";
import { root, say } from "./prerequisites.mjs";

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;
const DEFAULT_KILL_GRACE_MS = 5_000;
/** Output waiting for our own stdout past this is dropped (and counted): we must keep reading the children. */
const MAX_BUFFERED_OUTPUT_BYTES = 8 * 1024 * 1024;

function msSetting(value, fallback) {
  const n = Number(value);
  return value !== undefined && value !== "" && Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** How long after SIGTERM a child may take: its own SHUTDOWN_TIMEOUT_MS plus SUPERVISOR_KILL_GRACE_MS. */
export function killAfterMs(env) {
  return msSetting(env.SHUTDOWN_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS) + msSetting(env.SUPERVISOR_KILL_GRACE_MS, DEFAULT_KILL_GRACE_MS);
}

/** Writes to our stdout without ever letting a slow reader stall us (and so the children's pipes). */
function boundedOutput() {
  let dropped = 0;
  let broken = false;
  process.stdout.on("error", () => {
    broken = true;
  });
  // A closed terminal must not crash us while children still run: they would lose their supervisor mid-drain.
  process.stderr.on("error", () => undefined);
  return (text) => {
    if (broken) return;
    if (process.stdout.writableLength > MAX_BUFFERED_OUTPUT_BYTES) {
      dropped += 1;
      return;
    }
    if (dropped > 0) {
      process.stdout.write(`browserfleet: ${dropped} log lines dropped: this terminal or pipe was not reading fast enough\n`);
      dropped = 0;
    }
    process.stdout.write(text);
  };
}

/**
 * `env` is shared by every child; `start(name, { label, env })` adds one more (label defaults
 * to the app name and must be unique; `watch` restarts it on change). With LOG_FORMAT=json the raw pino lines pass through;
 * `labelJson` then adds the label to each line as an "instance" field. `run(label, args)` runs
 * any other Node program the same way.
 */
export function superviseApps({ env, labelJson = false }) {
  const pretty = env.LOG_FORMAT !== "json";
  const color = pretty && process.stdout.isTTY;
  const output = boundedOutput();
  const graceMs = killAfterMs(env);
  const children = new Map();
  let stopping = false;
  let exitCode = 0;
  let killTimer = null;

  function format(label, line) {
    if (pretty) return prettyLine(label, line, color);
    if (labelJson && line.startsWith('{"')) return `{"instance":${JSON.stringify(label)},${line.slice(1)}`;
    return line;
  }

  function run(label, args, { env: extraEnv = {} } = {}) {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...env, ...extraEnv },
      // The IPC channel is how a child notices that we are gone (see onShutdownSignal).
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      // Own process group: a terminal's Ctrl-C reaches only us, and we drain the children once.
      detached: true,
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => output(`${format(label, line)}\n`));
    }
    // E.g. a signal or IPC message to a child that has just gone: say so, never crash the supervisor.
    child.on("error", (err) => say(`${label}: ${err.message}`));
    child.on("exit", (code, signal) => {
      children.delete(label);
      if (!stopping) {
        say(`${label} exited unexpectedly (${signal ?? `code ${code}`}); stopping the others`);
        stopAll(code || 1);
      } else if (children.size === 0) {
        clearTimeout(killTimer);
        process.exit(exitCode);
      }
    });
    children.set(label, child);
    return child;
  }

  /**
   * With `watch`, Node's own watch mode runs the app and restarts it (SIGTERM, so it drains) when any file it imported
   * changes; the child here is then Node's watcher, which outlives an app crash and waits for the next change.
   */
  function start(name, { label = name, env: extraEnv = {}, watch = false } = {}) {
    const main = join("apps", name, "src", "main.ts");
    return run(label, [...(watch ? ["--watch", "--watch-preserve-output"] : []), "--import", "tsx", main], { env: extraEnv });
  }

  function killAll(reason) {
    for (const [label, child] of children) {
      say(`${label} ${reason}: SIGKILL`);
      // The whole group: whatever the child started in it goes too.
      for (const target of [-child.pid, child.pid]) {
        try {
          process.kill(target, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }

  function stopAll(code) {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    if (children.size === 0) process.exit(code);
    for (const child of children.values()) child.kill("SIGTERM");
    killTimer = setTimeout(() => {
      exitCode ||= 1;
      killAll(`still running ${graceMs} ms after SIGTERM`);
    }, graceMs);
  }

  process.on("SIGINT", () => {
    if (stopping) {
      killAll("forced stop");
      process.exit(130);
    }
    say("stopping (Ctrl-C again to force)…");
    stopAll(0);
  });
  process.on("SIGTERM", () => stopAll(0));
  process.on("SIGHUP", () => stopAll(0));

  return { start, run };
}
