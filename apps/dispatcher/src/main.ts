import { loadConfig } from "@browserfleet/config";
import { createHostLookup } from "@browserfleet/core";
import { createDriverPool, createPrismaClient } from "@browserfleet/db";
import { backingServiceChecks, createLogger, createMetricsRegistry, exitOnConfigError, onShutdownSignal, startOpsServer } from "@browserfleet/runtime";
import { startDeliveryLoop } from "./delivery-loop.ts";
import { createDispatcherMetrics } from "./dispatcher-metrics.ts";
import { startHistorySweeper } from "./history-sweeper.ts";

// Outbox → signed webhook POSTs, any number of replicas side by side (claims are SKIP LOCKED leases).
const config = exitOnConfigError(loadConfig);
const logger = createLogger({ level: config.LOG_LEVEL, process: "dispatcher", maxBufferedBytes: config.LOG_MAX_BUFFERED_BYTES });
const registry = createMetricsRegistry("dispatcher", logger);
// Bounded connection waits: a dead Postgres is a failed round (logged, retried), never a stuck loop.
const prisma = createPrismaClient(config.DATABASE_URL, { connectTimeoutMs: config.DEPENDENCY_TIMEOUT_MS });
// The loop's fan-out and claim run one at a time and delivered attempts are written in batches, so a few connections do.
const driver = createDriverPool(config.DATABASE_URL, { max: 4, connectTimeoutMs: config.DEPENDENCY_TIMEOUT_MS, queryTimeoutMs: config.DEPENDENCY_TIMEOUT_MS });

const metrics = createDispatcherMetrics(registry, prisma);
const loop = startDeliveryLoop({
  prisma,
  driver,
  logger,
  metrics,
  policy: { allowLoopback: config.ALLOW_LOOPBACK_TARGETS, lookup: createHostLookup(config) },
  concurrency: config.WEBHOOK_CONCURRENCY,
  perEndpoint: config.WEBHOOK_ENDPOINT_CONCURRENCY,
  timeoutMs: config.WEBHOOK_TIMEOUT_MS,
  pollMs: config.WEBHOOK_POLL_MS,
  retryScale: config.WEBHOOK_RETRY_SCALE,
  disableAfterMs: config.WEBHOOK_DISABLE_AFTER_MS,
});
// Beside the delivery loop, never in it: a long sweep must not hold back a delivery.
const sweeper = startHistorySweeper({
  prisma,
  logger,
  metrics,
  intervalMs: config.WEBHOOK_SWEEP_INTERVAL_MS,
  budgetMs: config.WEBHOOK_SWEEP_BUDGET_MS,
  batch: config.WEBHOOK_SWEEP_BATCH,
});

let draining = false;
const ops = await startOpsServer({
  host: config.HOST,
  port: config.DISPATCHER_PORT,
  registry,
  isDraining: () => draining,
  // Postgres only: the outbox is the dispatcher's one dependency, so a Redis outage does not make it unready.
  checks: backingServiceChecks({ postgres: prisma }),
});
logger.info({ ops_port: ops.port }, "dispatcher ready");

onShutdownSignal({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  beforeDrain: () => (draining = true),
  steps: [
    { name: "deliveries", run: () => loop.drain() },
    { name: "history-sweep", run: () => sweeper.stop() },
    { name: "ops", run: () => ops.close() },
    { name: "postgres", run: () => prisma.$disconnect() },
    { name: "postgres-hot-paths", run: () => driver.close() },
  ],
});
