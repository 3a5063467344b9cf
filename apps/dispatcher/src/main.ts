import { loadConfig } from "@browserfleet/config";
import { createPrismaClient } from "@browserfleet/db";
import { createRedisConnection } from "@browserfleet/queue";
import { backingServiceChecks, createLogger, createMetricsRegistry, exitOnConfigError, onShutdownSignal, startOpsServer } from "@browserfleet/runtime";

// Webhook delivery (outbox → signed POSTs) arrives with the webhooks issue; until then the
// dispatcher is a well-behaved process: health, readiness, metrics and a clean drain.
const config = exitOnConfigError(loadConfig);
const logger = createLogger({ level: config.LOG_LEVEL, process: "dispatcher" });
const registry = createMetricsRegistry("dispatcher");
const prisma = createPrismaClient(config.DATABASE_URL);
const redis = createRedisConnection(config.REDIS_URL, { connectionName: "dispatcher" });
redis.on("error", (err: Error) => logger.warn({ err: { message: err.message } }, "redis connection error"));

let draining = false;
const ops = await startOpsServer({
  host: config.HOST,
  port: config.DISPATCHER_PORT,
  registry,
  isDraining: () => draining,
  checks: backingServiceChecks({ postgres: prisma, redis }),
});
logger.info({ ops_port: ops.port }, "dispatcher ready");

onShutdownSignal({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  beforeDrain: () => (draining = true),
  steps: [
    { name: "ops", run: () => ops.close() },
    { name: "redis", run: () => redis.quit() },
    { name: "postgres", run: () => prisma.$disconnect() },
  ],
});
