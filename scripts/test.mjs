// `npm test`: prerequisites, then typecheck, lint and every test against the real services. The typecheck and lint
// run beside the tests (the tests leave CPU idle while they wait on browsers, timers and services), each one's
// output printed whole when it finishes; the run fails if any of the three failed.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, ensureChromium, ensureDependencies, ensureServices, root, say } from "./lib/prerequisites.mjs";

const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
ensureDependencies();
ensureChromium(process.env.CHROMIUM_PATH || "/usr/bin/chromium");
await ensureServices(databaseUrl, process.env.REDIS_URL || DEFAULT_REDIS_URL);

/** Runs `npm <args>`; with `capture`, holds its output and prints it in one piece when it ends. Resolves to its status. */
function runNpm(label, args, { capture = false } = {}) {
  const started = performance.now();
  if (!capture) say(`${label}…`);
  const child = spawn("npm", args, { cwd: root, stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit" });
  const output = [];
  if (capture) for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk) => output.push(chunk));
  return new Promise((resolve) => {
    child.on("error", (err) => {
      say(`${label} could not start: ${err.message}`);
      resolve(1);
    });
    child.on("close", (code, signal) => {
      const status = code ?? (signal ? 1 : 0);
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      if (capture) {
        const text = Buffer.concat(output).toString("utf8").trim();
        process.stderr.write(`\nbrowserfleet: ${label} ${status === 0 ? "passed" : "FAILED"} (${seconds} s)${text ? `\n${text}` : ""}\n`);
      }
      resolve(status);
    });
  });
}

const checks = [
  ["typecheck", ["run", "--silent", "typecheck"]],
  ["lint", ["run", "--silent", "lint"]],
].map(([label, args]) => runNpm(label, args, { capture: true }).then((status) => [label, status]));

const reportDir = mkdtempSync(join(tmpdir(), "browserfleet-test-"));
const report = join(reportDir, "vitest.json");
const testStatus = await runNpm("tests (typecheck and lint run alongside)", [
  "exec",
  "--",
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);
let closing;
try {
  const totals = JSON.parse(readFileSync(report, "utf8"));
  const skipped = totals.numPendingTests + totals.numTodoTests;
  closing = `tests: ${totals.numPassedTests} passed, ${totals.numFailedTests} failed, ${skipped} skipped`;
} catch {
  closing = "tests: no report was written (see the output above)";
} finally {
  rmSync(reportDir, { recursive: true, force: true });
}
const failedChecks = (await Promise.all(checks)).filter(([, status]) => status !== 0).map(([label]) => label);
// The plain closing line any CI can read.
process.stdout.write(`\n${closing}${failedChecks.length > 0 ? `; FAILED: ${failedChecks.join(", ")}` : ""}\n`);
process.exit(testStatus !== 0 ? testStatus : failedChecks.length > 0 ? 1 : 0);
