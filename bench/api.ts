// Requests/s and latency of the API alone on one process: GET /v1/jobs/{id} and
// POST /v1/quick/scrape {async: true} (enqueue only: no worker runs), next to two baselines
// measured in the same run on the same machine: GET /healthz of the same API process, and a
// bare node:http server answering the job's JSON bytes. Prints numbers; asserts nothing.
//   npm run bench:api -- [--duration 10] [--connections 16] [--only bare,healthz,jobs,scrape] [--cpu-prof]
// --cpu-prof runs the API under `node --cpu-prof` and prints where its CPU time went (by package and by function).
import { mkdtempSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createPrismaClient, createWorkspace, grantCredits } from "@browserfleet/db";
import { createTemporaryDatabase } from "@browserfleet/db/testing";
import { createRedisConnection } from "@browserfleet/queue";
import { repoRoot, startApp, type AppProcess } from "../test/support/app-process.ts";
import { localFleetEnv } from "../test/support/test-stack.ts";
import { runAutocannon, type LoadResult } from "./support/api-load.ts";
import { printProfileSummary } from "./support/cpu-profile-summary.ts";
import { fmt } from "./stats.ts";

const argv = process.argv.slice(2);
if (argv[0] === "--") argv.shift();
const { values } = parseArgs({
  args: argv,
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "16" },
    only: { type: "string", default: "bare,healthz,jobs,scrape" },
    "cpu-prof": { type: "boolean", default: false },
  },
});
const only = new Set(values.only.split(","));
const profileDir = values["cpu-prof"] ? mkdtempSync(join(tmpdir(), "bench-api-prof-")) : null;
const duration = Number(values.duration);
const connections = Number(values.connections);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `bench_api_${process.pid}`;

const database = await createTemporaryDatabase();
const prisma = createPrismaClient(database.url);
const env = {
  ...localFleetEnv({ databaseUrl: database.url, redisUrl }),
  QUEUE_PREFIX: prefix,
  // As in production: every request writes its log line (info), and that cost is part of what is measured.
  NODE_ENV: "production",
};
let api: AppProcess | undefined;
const bare = createServer();
try {
  api = await startApp(
    "api",
    env,
    60_000,
    profileDir ? { args: ["--cpu-prof", "--cpu-prof-dir", profileDir, "--import", "tsx", join("apps", "api", "src", "main.ts")], cwd: repoRoot } : undefined,
  );
  const origin = `http://127.0.0.1:${api.port}`;
  const { workspace, apiKey } = await createWorkspace(prisma, { name: "bench" });
  await grantCredits(prisma, { workspaceId: workspace.id, amount: 50_000_000 });
  // The bench measures the API, not its limits: they are raised far above what one machine can send.
  await prisma.workspace.update({ where: { id: workspace.id }, data: { requestsPerMinute: 1_000_000, submissionsPerSecond: 100_000 } });
  const headers = { "x-api-key": apiKey.key, "content-type": "application/json" };
  const scrapeBody = JSON.stringify({ url: "http://127.0.0.1:9/bench", async: true });

  const submitted = await fetch(`${origin}/v1/quick/scrape`, { method: "POST", headers, body: scrapeBody });
  const job = (await submitted.json()) as { id: string };
  if (submitted.status !== 202) throw new Error(`scrape answered ${submitted.status}: ${JSON.stringify(job)}`);
  const jobJson = await (await fetch(`${origin}/v1/jobs/${job.id}`, { headers })).text();

  // The same bytes GET /v1/jobs/{id} answers, with no framework, auth or database behind them.
  bare.on("request", (_req, res) => {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(jobJson) });
    res.end(jobJson);
  });
  await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;

  const targets: { key: string; name: string; url: string; method?: "GET" | "POST"; body?: string; expect: number }[] = [
    { key: "bare", name: "baseline: bare node:http, same JSON", url: bareUrl, expect: 200 },
    { key: "healthz", name: "baseline: API GET /healthz", url: `${origin}/healthz`, expect: 200 },
    { key: "jobs", name: "API GET /v1/jobs/{id}", url: `${origin}/v1/jobs/${job.id}`, expect: 200 },
    { key: "scrape", name: "API POST /v1/quick/scrape async", url: `${origin}/v1/quick/scrape`, method: "POST" as const, body: scrapeBody, expect: 202 },
  ].filter((t) => only.has(t.key));
  const results: { name: string; result: LoadResult }[] = [];
  console.log(`\nbench/api: ${duration} s per target after a 2 s warm-up, ${connections} keep-alive connections, autocannon in this process, API in its own`);
  console.log(`job JSON: ${Buffer.byteLength(jobJson)} bytes\n`);
  console.log(`${"target".padEnd(38)} ${"req/s".padStart(9)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)} ${"bad".padStart(6)}`);
  for (const t of targets) {
    const options = { url: t.url, method: t.method ?? "GET", headers, body: t.body, connections, expectStatus: t.expect };
    await runAutocannon({ ...options, durationSeconds: 2 });
    const result = await runAutocannon({ ...options, durationSeconds: duration });
    results.push({ name: t.name, result });
    console.log(
      `${t.name.padEnd(38)} ${fmt(result.requestsPerSecond).padStart(9)} ${fmt(result.p50Ms, 1).padStart(8)} ${fmt(result.p99Ms, 1).padStart(8)} ${fmt(result.maxMs, 1).padStart(8)} ${String(result.unexpected).padStart(6)}`,
    );
  }
  const rps = (name: string): number => results.find((r) => r.name.startsWith(name))?.result.requestsPerSecond ?? Number.NaN;
  const bareRps = rps("baseline: bare");
  const healthRps = rps("baseline: API GET /healthz");
  console.log(`\nshare of the bare-node:http rate: /healthz ${fmt((healthRps / bareRps) * 100)} %, GET /v1/jobs/{id} ${fmt((rps("API GET") / bareRps) * 100)} %, async scrape ${fmt((rps("API POST") / bareRps) * 100)} %`);
  console.log(`share of the API's own /healthz rate: GET /v1/jobs/{id} ${fmt((rps("API GET") / healthRps) * 100)} %, async scrape ${fmt((rps("API POST") / healthRps) * 100)} %`);
  const jobs = await prisma.job.count({ where: { workspaceId: workspace.id } });
  console.log(`jobs created by the scrape runs (warm-up included): ${jobs}`);
} finally {
  await api?.stop();
  const profile = profileDir ? readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile")) : undefined;
  if (profileDir && profile) printProfileSummary(join(profileDir, profile));
  bare.close();
  await prisma.$disconnect();
  await database.drop();
  // No worker ever takes the enqueued pages: remove this run's queue keys.
  const redis = createRedisConnection(redisUrl, { connectionName: "bench-api-cleanup" });
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}
