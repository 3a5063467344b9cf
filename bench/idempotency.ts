// What an Idempotency-Key costs: POST /v1/quick/scrape {async: true} (enqueue only, no worker)
// without a key, with a fresh key per request (claim + stored answer), and replays of one key
// (no work, the stored bytes), measured in one run on one API process. Prints numbers; asserts nothing.
//   npx tsx bench/idempotency.ts [--requests 2000] [--concurrency 16]
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { createPrismaClient, createWorkspace, grantCredits } from "@browserfleet/db";
import { createTemporaryDatabase } from "@browserfleet/db/testing";
import { createRedisConnection } from "@browserfleet/queue";
import { startApp, type AppProcess } from "../test/support/app-process.ts";
import { localFleetEnv } from "../test/support/test-stack.ts";
import { fmt, percentile, runConcurrently } from "./stats.ts";

const { values } = parseArgs({ options: { requests: { type: "string", default: "2000" }, concurrency: { type: "string", default: "16" } } });
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `bench_idem_${process.pid}`;

const database = await createTemporaryDatabase();
const prisma = createPrismaClient(database.url);
let api: AppProcess | undefined;
try {
  api = await startApp("api", { ...localFleetEnv({ databaseUrl: database.url, redisUrl }), QUEUE_PREFIX: prefix, NODE_ENV: "production" });
  const url = `http://127.0.0.1:${api.port}/v1/quick/scrape`;
  const { workspace, apiKey } = await createWorkspace(prisma, { name: "bench" });
  await grantCredits(prisma, { workspaceId: workspace.id, amount: 50_000_000 });
  await prisma.workspace.update({ where: { id: workspace.id }, data: { requestsPerMinute: 1_000_000, submissionsPerSecond: 100_000 } });
  const body = JSON.stringify({ url: "http://127.0.0.1:9/bench", async: true });
  const replayKey = randomUUID();

  const post = async (key: string | undefined, expect: number): Promise<void> => {
    const headers: Record<string, string> = { "x-api-key": apiKey.key, "content-type": "application/json" };
    if (key !== undefined) headers["idempotency-key"] = key;
    const res = await fetch(url, { method: "POST", headers, body });
    await res.arrayBuffer();
    if (res.status !== expect) throw new Error(`answered ${res.status}, expected ${expect}`);
  };
  await post(replayKey, 202);

  const runs: { name: string; call: () => Promise<void> }[] = [
    { name: "no key", call: () => post(undefined, 202) },
    { name: "fresh key per request", call: () => post(randomUUID(), 202) },
    { name: "replay of one key", call: () => post(replayKey, 202) },
  ];
  // Interleaved rounds: on a shared machine, load that comes and goes falls on every variant alike.
  const rounds = 5;
  const perRound = Math.max(1, Math.floor(requests / rounds));
  console.log(`\nbench/idempotency: ${perRound * rounds} requests per variant in ${rounds} interleaved rounds after a warm-up, ${concurrency} in flight, async scrape (enqueue only)\n`);
  for (const run of runs) await runConcurrently(Array.from({ length: Math.min(200, requests) }), concurrency, run.call);
  const measured = runs.map(() => ({ latencies: [] as number[], seconds: 0 }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, run] of runs.entries()) {
      const started = performance.now();
      measured[i]!.latencies.push(...(await runConcurrently(Array.from({ length: perRound }), concurrency, run.call)));
      measured[i]!.seconds += (performance.now() - started) / 1000;
    }
  }
  console.log(`${"variant".padEnd(24)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)}`);
  for (const [i, run] of runs.entries()) {
    const { latencies, seconds } = measured[i]!;
    console.log(
      `${run.name.padEnd(24)} ${fmt(latencies.length / seconds).padStart(8)} ${fmt(percentile(latencies, 50), 1).padStart(8)} ${fmt(percentile(latencies, 95), 1).padStart(8)} ${fmt(percentile(latencies, 99), 1).padStart(8)}`,
    );
  }
  const [jobs, keys] = await Promise.all([prisma.job.count({ where: { workspaceId: workspace.id } }), prisma.idempotencyKey.count()]);
  console.log(`\njobs created: ${jobs} (replays create none); idempotency_keys rows: ${keys}`);
} finally {
  await api?.stop();
  await prisma.$disconnect();
  await database.drop();
  // No worker ever takes the enqueued pages: remove this run's queue keys.
  const redis = createRedisConnection(redisUrl, { connectionName: "bench-idempotency-cleanup" });
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}
