// `npm test`: prerequisites, then typecheck, lint and every test against the real services.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, ensureChromium, ensureDependencies, ensureServices, root } from "./lib/prerequisites.mjs";

const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
ensureDependencies();
ensureChromium(process.env.CHROMIUM_PATH || "/usr/bin/chromium");
await ensureServices(databaseUrl, process.env.REDIS_URL || DEFAULT_REDIS_URL);

const run = (label, args) => {
  process.stderr.write(`\nbrowserfleet: ${label}…\n`);
  return spawnSync("npm", args, { cwd: root, stdio: "inherit" }).status ?? 1;
};

for (const [label, args] of [
  ["typecheck", ["run", "--silent", "typecheck"]],
  ["lint", ["run", "--silent", "lint"]],
]) {
  const status = run(label, args);
  if (status !== 0) process.exit(status);
}

const reportDir = mkdtempSync(join(tmpdir(), "browserfleet-test-"));
const report = join(reportDir, "vitest.json");
const status = run("tests", ["exec", "--", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)]);
try {
  const totals = JSON.parse(readFileSync(report, "utf8"));
  const skipped = totals.numPendingTests + totals.numTodoTests;
  // The plain closing line any CI can read.
  process.stdout.write(`\ntests: ${totals.numPassedTests} passed, ${totals.numFailedTests} failed, ${skipped} skipped\n`);
} catch {
  process.stdout.write("\ntests: no report was written (see the output above)\n");
} finally {
  rmSync(reportDir, { recursive: true, force: true });
}
process.exit(status);
