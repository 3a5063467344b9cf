// `npm test`: prerequisites, then typecheck, lint and every test against the real services.
import { spawnSync } from "node:child_process";
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, ensureChromium, ensureDependencies, ensureServices, root } from "./lib/prerequisites.mjs";

const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
ensureDependencies();
ensureChromium(process.env.CHROMIUM_PATH || "/usr/bin/chromium");
await ensureServices(databaseUrl, process.env.REDIS_URL || DEFAULT_REDIS_URL);

for (const [label, args] of [
  ["typecheck", ["run", "--silent", "typecheck"]],
  ["lint", ["run", "--silent", "lint"]],
  ["tests", ["exec", "--", "vitest", "run", ...process.argv.slice(2)]],
]) {
  process.stderr.write(`\nbrowserfleet: ${label}…\n`);
  const r = spawnSync("npm", args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
