// Sync-scrape latency and async throughput through the whole stack (API → Postgres →
// BullMQ → worker → Chromium → Postgres → API), next to raw Playwright doing the same
// pages at the same concurrency in the same run. Prints numbers; asserts nothing.
//   npm run bench:scrape -- [--pages 100] [--concurrency 4]
import { parseArgs } from "node:util";
import { createPrismaClient, createWorkspace, grantCredits } from "@browserfleet/db";
import { createTemporaryDatabase } from "@browserfleet/db/testing";
import { startApp, type AppProcess } from "../test/support/app-process.ts";
import { startFixtureSite } from "../test/support/fixture-site.ts";
import { TEST_CHROMIUM_ARGS } from "../test/support/test-stack.ts";
import { runRawPlaywright } from "./support/raw-playwright.ts";
import { fmt, percentile, runConcurrently } from "./stats.ts";

const { values } = parseArgs({ options: { pages: { type: "string", default: "100" }, concurrency: { type: "string", default: "4" } } });
const pages = Number(values.pages);
const concurrency = Number(values.concurrency);
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const site = await startFixtureSite();
const database = await createTemporaryDatabase();
const prisma = createPrismaClient(database.url);
const env = {
  DATABASE_URL: database.url,
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  QUEUE_PREFIX: `bench_${process.pid}`,
  PORT: "0",
  WORKER_PORT: "0",
  ALLOW_LOOPBACK_TARGETS: "true",
  DNS_LOOPBACK_ONLY: "true",
  CHROMIUM_EXTRA_ARGS: JSON.stringify(TEST_CHROMIUM_ARGS),
  WORKER_CONCURRENCY: String(concurrency),
  LOG_LEVEL: "info",
  CHROMIUM_PATH: chromiumPath,
};
const apps: AppProcess[] = [];
try {
  const launched = await Promise.allSettled([startApp("api", env), startApp("worker", env)]);
  for (const l of launched) if (l.status === "fulfilled") apps.push(l.value);
  const launchFailure = launched.find((l) => l.status === "rejected");
  if (launchFailure) throw launchFailure.reason;
  const api = `http://127.0.0.1:${apps[0]!.port}`;
  const { workspace, apiKey } = await createWorkspace(prisma, { name: "bench" });
  await grantCredits(prisma, { workspaceId: workspace.id, amount: pages * 10 });
  const headers = { "x-api-key": apiKey.key, "content-type": "application/json" };
  const urls = Array.from({ length: pages }, (_, i) => `${site.origin}/page/${i}`);
  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${api}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };

  // Warm both paths (browser launch, JIT, connection pools) before measuring.
  await runConcurrently(urls.slice(0, concurrency * 2), concurrency, async (url) => void (await post("/v1/quick/scrape", { url })));
  await runRawPlaywright({ urls: urls.slice(0, concurrency * 2), concurrency, chromiumPath, extraArgs: TEST_CHROMIUM_ARGS });

  const raw = await runRawPlaywright({ urls, concurrency, chromiumPath, extraArgs: TEST_CHROMIUM_ARGS });

  const syncStarted = performance.now();
  const syncLatencies = await runConcurrently(urls, concurrency, async (url) => void (await post("/v1/quick/scrape", { url })));
  const syncWall = performance.now() - syncStarted;

  const asyncStarted = performance.now();
  const jobs = await runConcurrently(urls, 16, async (url) => void (await post("/v1/quick/scrape", { url, async: true })));
  const submitWall = performance.now() - asyncStarted;
  const ids = (await prisma.job.findMany({ where: { workspaceId: workspace.id, sync: false }, select: { id: true } })).map((j) => j.id);
  await runConcurrently(ids, 16, async (id) => {
    const res = await fetch(`${api}/v1/jobs/${id}/status`, { headers });
    let status = ((await res.json()) as { status: string }).status;
    while (status === "queued" || status === "running") {
      const waited = await fetch(`${api}/v1/jobs/${id}?wait=60`, { headers });
      status = ((await waited.json()) as { status: string }).status;
    }
  });
  const asyncWall = performance.now() - asyncStarted;
  const failed = await prisma.job.count({ where: { workspaceId: workspace.id, status: { not: "completed" } } });

  const row = (name: string, lat: number[], wallMs: number): string =>
    `${name.padEnd(34)} ${fmt(percentile(lat, 50)).padStart(8)} ${fmt(percentile(lat, 95)).padStart(8)} ${fmt((lat.length / wallMs) * 1000, 2).padStart(10)}`;
  console.log(`\nbench/scrape: ${pages} fixture pages (~20 KB each), concurrency ${concurrency}, ${jobs.length} async submissions\n`);
  console.log(`${"path".padEnd(34)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"pages/s".padStart(10)}`);
  console.log(row("raw Playwright (new context/page)", raw.latenciesMs, raw.wallMs));
  console.log(row("browserfleet sync scrape", syncLatencies, syncWall));
  console.log(`${"browserfleet async (submit→done)".padEnd(34)} ${"".padStart(8)} ${"".padStart(8)} ${fmt((pages / asyncWall) * 1000, 2).padStart(10)}`);
  // Where a sync page's time goes, from Postgres' own timestamps (same clock for all three).
  const items = await prisma.jobItem.findMany({ where: { workspaceId: workspace.id, job: { sync: true } }, include: { job: true } });
  const phase = (pick: (i: (typeof items)[number]) => number): string => `p50 ${fmt(percentile(items.map(pick), 50))} ms, p95 ${fmt(percentile(items.map(pick), 95))} ms`;
  console.log(`\nsync page breakdown (${items.length} pages):`);
  console.log(`  submit → worker starts:   ${phase((i) => i.startedAt!.getTime() - i.job.createdAt.getTime())}`);
  console.log(`  render in Chromium:       ${phase((i) => i.durationMs ?? 0)}`);
  console.log(`  start → result committed: ${phase((i) => i.completedAt!.getTime() - i.startedAt!.getTime())}`);
  console.log(`\nasync: ${pages} submissions accepted in ${fmt(submitWall)} ms; all done after ${fmt(asyncWall)} ms; jobs not completed: ${failed}`);
  console.log(`sync throughput vs raw Playwright: ${fmt(((pages / syncWall) * 1000) / raw.pagesPerSecond, 2)}x; async: ${fmt(((pages / asyncWall) * 1000) / raw.pagesPerSecond, 2)}x`);
} finally {
  await Promise.all(apps.map((a) => a.stop()));
  await prisma.$disconnect();
  await database.drop();
  await site.close();
}
