// `npm start`: everything a fresh clone needs, then api + worker + dispatcher in one terminal.
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { prettyLine } from "./lib/pretty-log.mjs";
import {
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  ensureChromium,
  ensureDependencies,
  ensureServices,
  fail,
  root,
  say,
} from "./lib/prerequisites.mjs";

const env = { ...process.env };
env.DATABASE_URL ||= DEFAULT_DATABASE_URL;
env.REDIS_URL ||= DEFAULT_REDIS_URL;
if (!env.ALLOW_LOOPBACK_TARGETS) {
  env.ALLOW_LOOPBACK_TARGETS = "true";
  say("local mode: ALLOW_LOOPBACK_TARGETS=true, so pages on 127.0.0.1/localhost can be scraped (set it to false to refuse them)");
}

ensureDependencies();
ensureChromium(env.CHROMIUM_PATH || "/usr/bin/chromium");
await ensureServices(env.DATABASE_URL, env.REDIS_URL);

say("creating and migrating the database…");
const migrate = spawnSync(join(root, "node_modules", ".bin", "browserfleet"), ["migrate"], { cwd: root, stdio: "inherit", env });
if (migrate.status !== 0) fail("database migration failed (see above)");

const pretty = env.LOG_FORMAT !== "json";
const color = pretty && process.stdout.isTTY;
const children = new Map();
let stopping = false;

function start(name) {
  const child = spawn(process.execPath, ["--import", "tsx", join("apps", name, "src", "main.ts")], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    // Own process group: a terminal's Ctrl-C reaches only us, and we drain the children once.
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      process.stdout.write(`${pretty ? prettyLine(name, line, color) : line}\n`);
    });
  }
  child.on("exit", (code, signal) => {
    children.delete(name);
    if (!stopping) {
      say(`${name} exited unexpectedly (${signal ?? `code ${code}`}); stopping the others`);
      stopAll(code || 1);
    } else if (children.size === 0) {
      process.exit(exitCode);
    }
  });
  children.set(name, child);
}

let exitCode = 0;
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

for (const name of ["api", "worker", "dispatcher"]) start(name);
say(`starting: API on http://127.0.0.1:${env.PORT || 3000}  (create a workspace: npx browserfleet workspace create --name me)`);
