// Batch throughput on the fixture site's /page/:n pages, every path in one run and one after the
// other (this machine has 2 cores): raw Playwright with a new context per page, Crawlee's
// PlaywrightCrawler (pages in one shared context), and browserfleet end to end (API + ONE worker,
// POST /v1/quick/batch with formats html+links, a workspace at each max_concurrency).
// Then the queue alone: no-op page jobs through the admission controller and BullMQ to 1 and 2
// worker processes. Prints numbers; asserts nothing.
//   npx tsx bench/batch.ts -- [--pages 300] [--concurrency 4,8] [--only baselines|fleet|queue]
//     [--queue-jobs 10000] [--queue-workspaces 8] [--queue-concurrency 8]
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { startFixtureSite } from "../test/support/fixture-site.ts";
import { TEST_CHROMIUM_ARGS } from "../test/support/test-stack.ts";
import { runCrawlee } from "./support/crawlee-run.ts";
import { startFleetBatchStack } from "./support/fleet-batch.ts";
import { runBullmqOnly, runQueueOnly, type QueueRunResult } from "./support/queue-run.ts";
import { runRawPlaywright } from "./support/raw-playwright.ts";
import { fmt, percentile } from "./stats.ts";

const MODES = ["baselines", "fleet", "queue"] as const;
type Mode = (typeof MODES)[number];

// `npx tsx bench/batch.ts -- --pages 300` hands the script the "--" itself.
const argv = process.argv.slice(2);
if (argv[0] === "--") argv.shift();
const { values } = parseArgs({
  args: argv,
  options: {
    pages: { type: "string", default: "300" },
    concurrency: { type: "string", default: "4,8" },
    only: { type: "string" },
    "worker-concurrency": { type: "string", default: "8" },
    "queue-jobs": { type: "string", default: "10000" },
    "queue-workspaces": { type: "string", default: "8" },
    "queue-concurrency": { type: "string", default: "8" },
  },
});
const pages = Number(values.pages);
const levels = values.concurrency.split(",").map(Number);
const workerConcurrency = Number(values["worker-concurrency"]);
if (!Number.isInteger(pages) || pages < 1 || pages > 1000) throw new Error("--pages must be 1..1000 (one batch holds at most 1000 URLs)");
if (levels.some((c) => !Number.isInteger(c) || c < 1 || c > 8)) throw new Error("--concurrency must list integers 1..8 (a workspace's max_concurrency range)");
if (values.only !== undefined && !(MODES as readonly string[]).includes(values.only)) throw new Error(`--only must be one of ${MODES.join(", ")}`);
const modes: readonly Mode[] = values.only === undefined ? MODES : [values.only as Mode];
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const queueJobs = Number(values["queue-jobs"]);
const queueWorkspaces = Number(values["queue-workspaces"]);
const queueConcurrency = Number(values["queue-concurrency"]);
for (const [flag, n] of [["--queue-jobs", queueJobs], ["--queue-workspaces", queueWorkspaces], ["--queue-concurrency", queueConcurrency]] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer`);
}

interface Row {
  path: string;
  concurrency: number;
  pagesPerSecond: number;
  latenciesMs: number[];
  queueWaitsMs?: number[];
  /** Crawlee's rows are the denominators of the "vs Crawlee" column, at the same concurrency. */
  isCrawlee?: boolean;
  note?: string;
}

const rows: Row[] = [];
const queueRows: (QueueRunResult & { processes: number; path: "BullMQ alone (baseline)" | "admission + BullMQ" })[] = [];
const progress = (msg: string): void => void process.stderr.write(`bench/batch: ${msg}\n`);
const cell = (text: string, width: number): string => text.padStart(width);
const ms = (samples: number[] | undefined, p: number): string => (samples === undefined || samples.length === 0 ? "" : fmt(percentile(samples, p)));
const crawleeAt = new Map<number, number>();
const header = `${"path".padEnd(34)} ${cell("conc", 4)} ${cell("pages/s", 8)} ${cell("p50 ms", 7)} ${cell("p95 ms", 7)} ${cell("wait p50", 9)} ${cell("wait p95", 9)} ${cell("vs Crawlee", 10)}`;
const formatRow = (r: Row): string => {
  const crawlee = crawleeAt.get(r.concurrency);
  const ratio = crawlee === undefined || r.isCrawlee === true ? "" : `${fmt(r.pagesPerSecond / crawlee, 2)}x`;
  return `${r.path.padEnd(34)} ${cell(String(r.concurrency), 4)} ${cell(fmt(r.pagesPerSecond, 2), 8)} ${cell(ms(r.latenciesMs, 50), 7)} ${cell(ms(r.latenciesMs, 95), 7)} ${cell(ms(r.queueWaitsMs, 50), 9)} ${cell(ms(r.queueWaitsMs, 95), 9)} ${cell(ratio, 10)}${r.note ? `  ${r.note}` : ""}`;
};
/** Runs one measurement; a failure becomes a row saying so, and every row is shown as soon as it exists, so a long run is never lost. */
const measure = async (path: string, concurrency: number, run: () => Promise<Omit<Row, "path" | "concurrency">>): Promise<void> => {
  progress(`${path} at ${concurrency}…`);
  let row: Row;
  try {
    row = { path, concurrency, ...(await run()) };
  } catch (err) {
    row = { path, concurrency, pagesPerSecond: Number.NaN, latenciesMs: [], note: `run failed: ${(err as Error).message.split("\n")[0]}` };
  }
  if (row.isCrawlee === true && Number.isFinite(row.pagesPerSecond)) crawleeAt.set(concurrency, row.pagesPerSecond);
  rows.push(row);
  progress(formatRow(row));
};

const site = await startFixtureSite();
const urls = Array.from({ length: pages }, (_, i) => `${site.origin}/page/${i}`);
// Warm-ups use other pages than the measured ones, so no path measures its own cache.
const warmUrls = Array.from({ length: 16 }, (_, i) => `${site.origin}/page/${900 + i}`);
const loadAtStart = loadavg()[0]!;
progress(header);

try {
  if (modes.includes("baselines")) {
    const base = { chromiumPath, extraArgs: TEST_CHROMIUM_ARGS };
    progress("warming up the baselines…");
    await runCrawlee({ ...base, urls: warmUrls, concurrency: 4 });
    await runRawPlaywright({ ...base, urls: warmUrls, concurrency: 4 });
    // Crawlee first: its rows are what every later row is compared with.
    for (const concurrency of levels) {
      await measure("Crawlee (shared context)", concurrency, async () => {
        const crawlee = await runCrawlee({ ...base, urls, concurrency });
        const note = crawlee.failed > 0 ? `${crawlee.failed} pages failed, e.g. ${crawlee.firstFailure}` : "";
        return { pagesPerSecond: crawlee.pagesPerSecond, latenciesMs: crawlee.latenciesMs, isCrawlee: true, note };
      });
    }
    for (const concurrency of levels) {
      await measure("raw Playwright (new context/page)", concurrency, async () => {
        const raw = await runRawPlaywright({ ...base, urls, concurrency });
        return { pagesPerSecond: raw.pagesPerSecond, latenciesMs: raw.latenciesMs };
      });
    }
  }

  if (modes.includes("fleet")) {
    progress(`starting API + 1 worker (WORKER_CONCURRENCY=${workerConcurrency})…`);
    const stack = await startFleetBatchStack({
      chromiumPath,
      extraArgs: TEST_CHROMIUM_ARGS,
      workerConcurrency,
      credits: warmUrls.length + pages * levels.length,
    });
    try {
      await stack.runBatch(warmUrls, Math.max(...levels));
      for (const concurrency of levels) {
        await measure("browserfleet batch (API→worker)", concurrency, async () => {
          const run = await stack.runBatch(urls, concurrency);
          const note = run.status !== "completed" || run.failed > 0 ? `job ${run.status}, ${run.failed} pages failed ${JSON.stringify(run.failures)}` : "";
          return { pagesPerSecond: run.pagesPerSecond, latenciesMs: run.latenciesMs, queueWaitsMs: run.queueWaitsMs, note };
        });
      }
    } finally {
      await stack.stop();
    }
  }

  if (modes.includes("queue")) {
    const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    const queueRun = { workspaces: queueWorkspaces, maxConcurrency: 8, workerConcurrency: queueConcurrency, redisUrl };
    await runQueueOnly({ ...queueRun, jobs: 1_000, workerProcesses: 1 });
    await runBullmqOnly({ ...queueRun, jobs: 1_000, workerProcesses: 1 });
    for (const processes of [1, 2]) {
      progress(`queue only: ${queueJobs} no-op jobs, BullMQ alone, ${processes} worker process(es)…`);
      queueRows.push({ ...(await runBullmqOnly({ ...queueRun, jobs: queueJobs, workerProcesses: processes })), processes, path: "BullMQ alone (baseline)" });
      progress(`queue only: ${queueJobs} no-op jobs, admission + BullMQ, ${processes} worker process(es)…`);
      queueRows.push({ ...(await runQueueOnly({ ...queueRun, jobs: queueJobs, workerProcesses: processes })), processes, path: "admission + BullMQ" });
    }
  }
} finally {
  await site.close();
}

if (rows.length > 0) {
  console.log(`\nbench/batch: ${pages} fixture pages (~20 KB, 30 links each), formats html+links, 1-min load average at start ${fmt(loadAtStart, 1)}, at end ${fmt(loadavg()[0]!, 1)}`);
  console.log("pages/s: Crawlee including its browser launch; raw Playwright from its first page (browser already up); browserfleet from submit to the job's completed_at");
  console.log("latency: one page open → closed (baselines), job_items started_at → completed_at (browserfleet); wait: job_items created_at → started_at\n");
  console.log(header);
  for (const r of rows) console.log(formatRow(r));
}

if (queueRows.length > 0) {
  console.log(`\nqueue only: no-op page jobs through admission (${queueWorkspaces} workspaces at max_concurrency 8) + BullMQ, ${queueConcurrency} slots per worker process, load average at start ${fmt(loadAtStart, 1)}\n`);
  console.log(`${"path".padEnd(26)} ${cell("procs", 5)} ${cell("jobs", 7)} ${cell("wall ms", 8)} ${cell("jobs/s", 8)} ${cell("vs BullMQ", 9)}   CPU µs per job: workers / Redis / bench; cores busy (of ${cpus().length})`);
  for (const q of queueRows) {
    const base = queueRows.find((b) => b.path === "BullMQ alone (baseline)" && b.processes === q.processes);
    const ratio = base && q !== base ? `${fmt((100 * q.jobsPerSecond) / base.jobsPerSecond)} %` : "";
    const perJob = (part: string) => fmt(((q.cpu[part] ?? 0) * 1e6) / q.jobs);
    const busy = Object.values(q.cpu).reduce((a, b) => a + b, 0) / (q.wallMs / 1000);
    console.log(
      `${q.path.padEnd(26)} ${cell(String(q.processes), 5)} ${cell(String(q.jobs), 7)} ${cell(fmt(q.wallMs), 8)} ${cell(fmt(q.jobsPerSecond), 8)} ${cell(ratio, 9)}   ${perJob("workers")} / ${perJob("redis")} / ${perJob("bench")}; ${fmt(busy, 2)}`,
    );
  }
  const second = (path: string) => {
    const [one, two] = [1, 2].map((n) => queueRows.find((r) => r.path === path && r.processes === n));
    return one && two ? `${fmt(two.jobsPerSecond / one.jobsPerSecond, 2)}×` : "n/a";
  };
  console.log(`2 worker processes ÷ 1: BullMQ alone ${second("BullMQ alone (baseline)")}, admission + BullMQ ${second("admission + BullMQ")}`);
}
