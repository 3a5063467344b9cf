import type { AddressInfo } from "node:net";
import { loadConfig } from "@browserfleet/config";
import { hostLookupFor } from "@browserfleet/core";
import { createPrismaClient, isJobTerminal } from "@browserfleet/db";
import { AdmissionController, createPageQueue, createRedisConnection, jobFinishedChannel } from "@browserfleet/queue";
import { closeServer, createLogger, createMetricsRegistry, exitOnConfigError, listen, onShutdownSignal } from "@browserfleet/runtime";
import { buildApp } from "./app.ts";
import { JobWaiter } from "./jobs/job-waiter.ts";

const config = exitOnConfigError(loadConfig);
const logger = createLogger({ level: config.LOG_LEVEL, process: "api" });
const prisma = createPrismaClient(config.DATABASE_URL);
const redis = createRedisConnection(config.REDIS_URL, { failFast: true, connectionName: "api" });
const subscriber = createRedisConnection(config.REDIS_URL, { connectionName: "api-events" });
const pageQueue = createPageQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, attempts: config.JOB_MAX_ATTEMPTS, failFast: true });
const admission = new AdmissionController({ redis, queue: pageQueue, prefix: config.QUEUE_PREFIX, leaseMs: config.JOB_LOCK_MS });
const jobWaiter = new JobWaiter({
  subscriber,
  channel: jobFinishedChannel(config.QUEUE_PREFIX),
  isTerminal: (jobId) => isJobTerminal(prisma, jobId),
  pollMs: 2_000,
  logger,
});
for (const [name, emitter] of [["redis", redis], ["redis-events", subscriber], ["page-queue", pageQueue]] as const) {
  emitter.on("error", (err: Error) => logger.warn({ err: { message: err.message }, connection: name }, "redis connection error"));
}
jobWaiter.start().catch((err: unknown) => logger.error({ err }, "could not subscribe to job events"));

let draining = false;
const app = buildApp({
  config,
  logger,
  prisma,
  redis,
  pageQueue,
  admission,
  jobWaiter,
  registry: createMetricsRegistry("api"),
  targetPolicy: { allowLoopback: config.ALLOW_LOOPBACK_TARGETS, lookup: hostLookupFor(config.DNS_LOOPBACK_ONLY, config.DNS_STATIC_HOSTS) },
  isDraining: () => draining,
});
const server = await listen(app, config.HOST, config.PORT);
// Long-polls wait up to 120 s and sync calls up to the sync cap: the request timeout sits above both.
server.requestTimeout = Math.max(130_000, config.SYNC_TIMEOUT_MS + 10_000);
server.headersTimeout = 30_000;
server.keepAliveTimeout = 65_000;
logger.info({ port: (server.address() as AddressInfo).port, host: config.HOST, allow_loopback_targets: config.ALLOW_LOOPBACK_TARGETS }, "api listening");
if (config.ALLOW_LOOPBACK_TARGETS) logger.warn("ALLOW_LOOPBACK_TARGETS is on: 127.0.0.0/8 and ::1 pass the SSRF guard (local use and tests only)");

onShutdownSignal({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  beforeDrain: () => (draining = true),
  steps: [
    { name: "http", run: () => closeServer(server) },
    { name: "job-waiter", run: () => jobWaiter.close() },
    { name: "queue", run: () => pageQueue.close() },
    { name: "redis", run: () => redis.quit() },
    { name: "postgres", run: () => prisma.$disconnect() },
  ],
});
