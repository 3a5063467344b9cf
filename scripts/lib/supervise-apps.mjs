// Runs apps/<name> as children of this script, prints their log lines tagged with who wrote
// them, and drains them all exactly once: on Ctrl-C, SIGTERM, SIGHUP, or when one exits by itself.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { prettyLine } from "./pretty-log.mjs";
import { root, say } from "./prerequisites.mjs";

/**
 * `env` is shared by every child; `start(name, { label, env })` adds one more (label defaults
 * to the app name and must be unique). With LOG_FORMAT=json the raw pino lines pass through;
 * `labelJson` then adds the label to each line as an "instance" field.
 */
export function superviseApps({ env, labelJson = false }) {
  const pretty = env.LOG_FORMAT !== "json";
  const color = pretty && process.stdout.isTTY;
  const children = new Map();
  let stopping = false;
  let exitCode = 0;

  function format(label, line) {
    if (pretty) return prettyLine(label, line, color);
    if (labelJson && line.startsWith('{"')) return `{"instance":${JSON.stringify(label)},${line.slice(1)}`;
    return line;
  }

  function start(name, { label = name, env: extraEnv = {} } = {}) {
    const child = spawn(process.execPath, ["--import", "tsx", join("apps", name, "src", "main.ts")], {
      cwd: root,
      env: { ...env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group: a terminal's Ctrl-C reaches only us, and we drain the children once.
      detached: true,
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => {
        process.stdout.write(`${format(label, line)}\n`);
      });
    }
    child.on("exit", (code, signal) => {
      children.delete(label);
      if (!stopping) {
        say(`${label} exited unexpectedly (${signal ?? `code ${code}`}); stopping the others`);
        stopAll(code || 1);
      } else if (children.size === 0) {
        process.exit(exitCode);
      }
    });
    children.set(label, child);
  }

  function stopAll(code) {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    if (children.size === 0) process.exit(code);
    for (const child of children.values()) child.kill("SIGTERM");
  }

  process.on("SIGINT", () => {
    if (stopping) process.exit(130);
    say("stopping (Ctrl-C again to force)…");
    stopAll(0);
  });
  process.on("SIGTERM", () => stopAll(0));
  process.on("SIGHUP", () => stopAll(0));

  return { start };
}
