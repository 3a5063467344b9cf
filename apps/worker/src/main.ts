import { Worker } from "bullmq";
import { BrowserPool, startEgressProxy } from "@browserfleet/browser";
import { loadConfig } from "@browserfleet/config";
import { hostLookupFor } from "@browserfleet/core";
import { createPrismaClient } from "@browserfleet/db";
import { PAGE_QUEUE_NAME, bullConnection, createPageQueue, createRedisConnection, jobFinishedChannel, type PageJobData } from "@browserfleet/queue";
import { backingServiceChecks, createLogger, createMetricsRegistry, exitOnConfigError, onShutdownSignal, startOpsServer } from "@browserfleet/runtime";
import { processPageItem } from "./process-page-item.ts";
import { startReconciler } from "./reconciler.ts";
import { createWorkerMetrics } from "./worker-metrics.ts";

const config = exitOnConfigError(loadConfig);
const logger = createLogger({ level: config.LOG_LEVEL, process: "worker" });
const registry = createMetricsRegistry("worker");
const metrics = createWorkerMetrics(registry);
const prisma = createPrismaClient(config.DATABASE_URL);
const redis = createRedisConnection(config.REDIS_URL, { connectionName: "worker" });
redis.on("error", (err: Error) => logger.warn({ err: { message: err.message } }, "redis connection error"));
const queue = createPageQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, attempts: config.JOB_MAX_ATTEMPTS });
const targetPolicy = { allowLoopback: config.ALLOW_LOOPBACK_TARGETS, lookup: hostLookupFor(config.DNS_LOOPBACK_ONLY) };
// Every connection Chromium makes goes through this proxy, which checks and pins the address:
// speculative prefetches, WebRTC and DNS rebinding cannot slip past request interception.
const egress = await startEgressProxy({ policy: targetPolicy, logger: logger.child({ component: "egress-proxy" }) });
const pool = new BrowserPool({
  egress,
  chromiumPath: config.CHROMIUM_PATH,
  extraArgs: config.CHROMIUM_EXTRA_ARGS,
  recycleAfterPages: config.BROWSER_RECYCLE_PAGES,
  logger: logger.child({ component: "browser-pool" }),
});
await pool.start();

const deps = {
  prisma,
  pool,
  targetPolicy,
  publisher: redis,
  finishedChannel: jobFinishedChannel(config.QUEUE_PREFIX),
  maxAttempts: config.JOB_MAX_ATTEMPTS,
  metrics,
  logger,
};

const worker = new Worker<PageJobData>(PAGE_QUEUE_NAME, (job, _token, signal) => processPageItem(deps, job.data, signal), {
  connection: bullConnection(config.REDIS_URL),
  prefix: config.QUEUE_PREFIX,
  concurrency: config.WORKER_CONCURRENCY,
  // A dead worker's page comes back after its lock expires; each comeback is one more attempt.
  lockDuration: config.JOB_LOCK_MS,
  stalledInterval: config.JOB_LOCK_MS,
  maxStalledCount: config.JOB_MAX_ATTEMPTS,
});
worker.on("error", (err) => logger.warn({ err: { message: err.message } }, "queue worker error"));
worker.on("failed", (job, err) => logger.warn({ err: { message: err.message }, item_id: job?.id, attempts: job?.attemptsMade }, "page job threw"));

const reconciler = startReconciler({
  prisma,
  queue,
  redis,
  lockKey: `${config.QUEUE_PREFIX}:locks:reconciler`,
  intervalMs: 15_000,
  graceMs: 10_000,
  metrics,
  logger,
});

let draining = false;
const ops = await startOpsServer({
  host: config.HOST,
  port: config.WORKER_PORT,
  registry,
  isDraining: () => draining,
  checks: backingServiceChecks({ postgres: prisma, redis }),
});
logger.info({ concurrency: config.WORKER_CONCURRENCY, ops_port: ops.port, prefix: config.QUEUE_PREFIX }, "worker ready");

onShutdownSignal({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  beforeDrain: () => {
    draining = true;
    reconciler.stop();
  },
  steps: [
    { name: "queue-worker", run: () => worker.close() },
    { name: "browser-pool", run: () => pool.close() },
    { name: "egress-proxy", run: () => egress.close() },
    { name: "queue", run: () => queue.close() },
    { name: "ops", run: () => ops.close() },
    { name: "redis", run: () => redis.quit() },
    { name: "postgres", run: () => prisma.$disconnect() },
  ],
});
