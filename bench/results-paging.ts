// A screenshot batch of a tall fixture page through the whole stack (API + one worker, real
// Postgres, Redis, Chromium), then its results paged through by bytes, with the API process's
// peak RSS per phase (VmHWM from /proc, reset between phases) next to its idle RSS and to paging
// by count alone (a second API process whose byte bound is lifted to the maximum, at limit 50 and
// 200). Prints numbers; asserts nothing.
//   npm run bench:results -- [--urls 1000] [--page-px 20000] [--max-height 16384] [--store postgres|s3] [--worker-concurrency 4]
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { AppProcess } from "../test/support/app-process.ts";
import { startFixtureSite } from "../test/support/fixture-site.ts";
import { startLocalS3, type LocalS3 } from "../test/support/s3-server.ts";
import { startTestStack } from "../test/support/test-stack.ts";
import { fmt } from "./stats.ts";

const argv = process.argv.slice(2);
if (argv[0] === "--") argv.shift();
const { values } = parseArgs({
  args: argv,
  options: {
    urls: { type: "string", default: "1000" },
    "page-px": { type: "string", default: "20000" },
    "max-height": { type: "string", default: "16384" },
    store: { type: "string", default: "postgres" },
    "worker-concurrency": { type: "string", default: "4" },
  },
});
const urls = Number(values.urls);
const pagePx = Number(values["page-px"]);
if (!Number.isInteger(urls) || urls < 1 || urls > 1000) throw new Error("--urls must be 1..1000 (one batch holds at most 1000 URLs)");
if (values.store !== "postgres" && values.store !== "s3") throw new Error("--store must be postgres or s3");
const progress = (msg: string): void => void process.stderr.write(`bench/results: ${msg}\n`);
const MiB = 1024 * 1024;

/** The process's RSS now and its peak since the last reset, in bytes (Linux /proc). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/** Resets VmHWM to the current RSS, so the next phase's peak is its own (writing 5 to clear_refs, Linux ≥ 4.0). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

interface PagingRun {
  label: string;
  pages: number;
  items: number;
  bytes: number;
  largestPage: number;
  ms: number;
  startRss: number;
  peakRss: number;
}

async function pageThrough(label: string, api: AppProcess, apiKey: string, jobId: string, limit: number): Promise<PagingRun> {
  const pid = api.child.pid!;
  resetPeak(pid);
  const started = performance.now();
  const run: PagingRun = { label, pages: 0, items: 0, bytes: 0, largestPage: 0, ms: 0, startRss: memoryOf(pid).rss, peakRss: 0 };
  let cursor: string | null = null;
  do {
    const res = await fetch(`http://127.0.0.1:${api.port}/v1/jobs/${jobId}/results?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, { headers: { "x-api-key": apiKey } });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`results answered ${res.status}: ${body.subarray(0, 300).toString()}`);
    const page = JSON.parse(body.toString("utf8")) as { items: unknown[]; next_cursor: string | null };
    run.pages += 1;
    run.items += page.items.length;
    run.bytes += body.length;
    run.largestPage = Math.max(run.largestPage, body.length);
    cursor = page.next_cursor;
  } while (cursor !== null);
  run.ms = performance.now() - started;
  run.peakRss = memoryOf(pid).peak;
  return run;
}

const site = await startFixtureSite();
const s3: LocalS3 | null = values.store === "s3" ? await startLocalS3() : null;
const stack = await startTestStack({
  env: {
    ...(s3?.env ?? {}),
    BLOB_STORE: values.store,
    SCREENSHOT_MAX_HEIGHT: values["max-height"],
    WORKER_CONCURRENCY: values["worker-concurrency"],
  },
});
try {
  const { apiKey, workspaceId } = await stack.newWorkspace("bench-results");
  await stack.prisma.workspace.update({ where: { id: workspaceId }, data: { creditBalance: urls + 10, maxConcurrency: 8 } });
  const pid = stack.api.child.pid!;
  const idle = memoryOf(pid).rss;
  resetPeak(pid);

  progress(`submitting ${urls} full-page screenshots of a ${pagePx} px page (clip ${values["max-height"]} px, ${values.store} store)…`);
  const batchStarted = performance.now();
  const submit = await fetch(`${stack.apiUrl}/v1/quick/batch`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify({ urls: Array.from({ length: urls }, (_, i) => `${site.origin}/tall?px=${pagePx}&i=${i}`), formats: ["screenshot"], full_page: true, timeout_ms: 60_000 }),
  });
  const { job_id: jobId } = (await submit.json()) as { job_id: string };
  for (;;) {
    const res = await fetch(`${stack.apiUrl}/v1/jobs/${jobId}/status`, { headers: { "x-api-key": apiKey } });
    const s = (await res.json()) as { status: string; progress_done: number; progress_failed: number; progress_total: number };
    if (["completed", "failed", "cancelled"].includes(s.status)) {
      progress(`batch ${s.status}: ${s.progress_done - s.progress_failed} ok, ${s.progress_failed} failed`);
      break;
    }
    progress(`${s.progress_done}/${s.progress_total} pages…`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
  const batchMs = performance.now() - batchStarted;
  const duringBatch = memoryOf(pid).peak;
  const stored = await stack.prisma.$queryRaw<{ n: bigint; bytes: bigint }[]>`
    SELECT count(*) AS n, COALESCE(sum(size_bytes), 0) AS bytes FROM job_item_payloads AS p JOIN job_items AS i ON i.id = p.item_id WHERE i.job_id = ${jobId}::uuid`;

  const runs: PagingRun[] = [];
  progress("paging by bytes (RESULTS_PAGE_MAX_BYTES 8 MiB, limit 200)…");
  runs.push(await pageThrough("by bytes, 8 MiB, limit 200", stack.api, apiKey, jobId, 200));
  runs.push(await pageThrough("by bytes, 8 MiB, limit 50", stack.api, apiKey, jobId, 50));
  // The same code with the byte bound lifted to its maximum: pages by count only, as before.
  const countOnly = await stack.startApi({ RESULTS_PAGE_MAX_BYTES: String(256 * MiB), RESULT_SWEEP_INTERVAL_MS: "86400000" });
  const countIdle = memoryOf(countOnly.child.pid!).rss;
  progress("paging by count (byte bound lifted to 256 MiB)…");
  runs.push(await pageThrough("by count, limit 50", countOnly, apiKey, jobId, 50));
  runs.push(await pageThrough("by count, limit 200", countOnly, apiKey, jobId, 200));

  const mb = (n: number): string => fmt(n / MiB, 1);
  console.log(`\nbench:results — ${urls} URLs, /tall?px=${pagePx}, full_page clipped at ${values["max-height"]} px, ${values.store} store, load ${loadavg().map((l) => fmt(l, 1)).join(" ")}`);
  console.log(`batch: ${fmt(batchMs / 1000, 1)} s (${fmt(urls / (batchMs / 1000), 2)} pages/s); ${stored[0]?.n ?? 0} payloads, ${mb(Number(stored[0]?.bytes ?? 0))} MiB stored`);
  console.log(`API RSS: idle ${mb(idle)} MiB, peak while the batch ran ${mb(duringBatch)} MiB; count-only API idle ${mb(countIdle)} MiB`);
  console.log(`${"paging".padEnd(28)} ${"pages".padStart(6)} ${"items".padStart(6)} ${"MiB".padStart(8)} ${"largest MiB".padStart(12)} ${"s".padStart(7)} ${"RSS before".padStart(11)} ${"peak RSS".padStart(9)} ${"growth".padStart(7)}`);
  for (const r of runs) {
    const cols = [String(r.pages).padStart(6), String(r.items).padStart(6), mb(r.bytes).padStart(8), mb(r.largestPage).padStart(12), fmt(r.ms / 1000, 1).padStart(7), mb(r.startRss).padStart(11), mb(r.peakRss).padStart(9), mb(r.peakRss - r.startRss).padStart(7)];
    console.log(`${r.label.padEnd(28)} ${cols.join(" ")}`);
  }
  console.log("(MiB throughout; RSS of the API process from /proc/<pid>/status, peak = VmHWM reset at the start of each phase)");
} finally {
  await stack.stop();
  await site.close();
  await s3?.close();
}
