// Prerequisites shared by `npm start` and `npm test`. Plain Node with no dependencies:
// it runs before `npm install` on a fresh clone.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function say(msg) {
  process.stderr.write(`browserfleet: ${msg}\n`);
}

export function fail(msg) {
  process.stderr.write(`\nbrowserfleet: ${msg}\n\n`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });
  if (r.status !== 0) fail(`\`${cmd} ${args.join(" ")}\` failed (exit ${r.status ?? r.signal})`);
}

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

/** npm ci on a fresh clone, npm install when the lockfile moved on since the last install. */
export function ensureDependencies() {
  const marker = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(marker)) {
    say("installing dependencies (npm ci)…");
    run("npm", ["ci", "--no-audit", "--no-fund"]);
  } else if (mtime(join(root, "package-lock.json")) > mtime(marker)) {
    say("package-lock.json changed: npm install…");
    run("npm", ["install", "--no-audit", "--no-fund"]);
  }
  const client = join(root, "packages", "db", "src", "generated", "prisma", "client.ts");
  if (mtime(join(root, "prisma", "schema.prisma")) > mtime(client)) {
    say("generating the Prisma client…");
    run("npm", ["run", "--silent", "db:generate"], { stdio: ["ignore", "ignore", "inherit"] });
  }
}

/** Debian's Chromium; installed with apt when we are root, else we say how. */
export function ensureChromium(chromiumPath) {
  if (existsSync(chromiumPath)) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (chromiumPath === "/usr/bin/chromium" && isRoot && existsSync("/usr/bin/apt-get")) {
    say("Chromium is missing: apt-get install -y chromium…");
    run("apt-get", ["update"]);
    run("apt-get", ["install", "-y", "chromium"], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    return;
  }
  fail(`Chromium not found at ${chromiumPath}.\n  Install it:  sudo apt-get update && sudo apt-get install -y chromium\n  or point CHROMIUM_PATH at a Chromium/Chrome binary.`);
}

function reachable(host, port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Postgres and Redis must answer; if not, say exactly how to start them and stop. */
export async function ensureServices(databaseUrl, redisUrl) {
  const pg = new URL(databaseUrl);
  const redis = new URL(redisUrl);
  const checks = [
    { name: "PostgreSQL", host: pg.hostname, port: Number(pg.port || 5432), url: databaseUrl },
    { name: "Redis", host: redis.hostname, port: Number(redis.port || 6379), url: redisUrl },
  ];
  const down = [];
  for (const c of checks) if (!(await reachable(c.host.replace(/^\[|\]$/g, ""), c.port))) down.push(c);
  if (down.length > 0) {
    fail(
      `${down.map((d) => `${d.name} is not reachable at ${d.host}:${d.port}`).join("; ")}.\n` +
        `  Start them with:  docker compose up -d postgres redis\n` +
        `  (or point DATABASE_URL / REDIS_URL at running servers), then run this command again.`,
    );
  }
}

export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/browserfleet";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
