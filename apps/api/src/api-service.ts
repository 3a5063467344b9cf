import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AppConfig } from "@browserfleet/config";
import { PRICES, createHostLookup } from "@browserfleet/core";
import { createBlobStores, createDriverPool, createPrismaClient, isJobSettled } from "@browserfleet/db";
import { AdmissionController, createPageQueue, createRedisConnection } from "@browserfleet/queue";
import { backingServiceChecks, closeServer, createMetricsRegistry, listen, runReadinessChecks, type PinoLogger, type ReadinessReport, type ShutdownStep } from "@browserfleet/runtime";
import { createAgentQueue, startLostSessionSweep, startRenewalSweep, subscribeAgentSignals } from "@browserfleet/agents";
import { TaskKeyVault } from "@browserfleet/tasks";
import { buildApp } from "./app.ts";
import { attachCdpGateway } from "./gateway/cdp-gateway.ts";
import { configureServer } from "./http/configure-server.ts";
import { RateLimiter } from "./http/rate-limiter.ts";
import { startIdempotencySweep } from "./idempotency/idempotency-sweep.ts";
import { JobWaiter } from "./jobs/job-waiter.ts";
import { KeyUsageRecorder } from "./keys/key-usage-recorder.ts";
import { listAppRoutes } from "./openapi/list-app-routes.ts";
import { startResultRetentionSweep } from "./results/result-retention-sweep.ts";

/** A running API: its server, and the drain that stops it (in order, as SIGTERM runs it). */
export interface ApiService {
  server: Server;
  port: number;
  /** From now on readiness fails and new connections are closed; what is in flight still finishes. */
  beginDrain(): void;
  /** What GET /readyz would answer now (Postgres and Redis both answering), without a request. */
  readiness(): Promise<ReadinessReport>;
  /** The drain, step by step: waiters, HTTP, background work, then the connections. */
  shutdownSteps: ShutdownStep[];
}

/**
 * Builds every dependency of the API from its config, mounts the routes (buildApp) and listens. main.ts runs it as
 * the process; an API-only test runs it inside the test's own process, with the same code and the same drain.
 */
export async function startApiService(config: AppConfig, logger: PinoLogger): Promise<ApiService> {
  // Every dependency call is bounded, so a dead Postgres or Redis becomes a prompt 503, never a hang.
  const prisma = createPrismaClient(config.DATABASE_URL, { connectTimeoutMs: config.DEPENDENCY_TIMEOUT_MS, queryTimeoutMs: config.DEPENDENCY_TIMEOUT_MS });
  const driver = createDriverPool(config.DATABASE_URL, { connectTimeoutMs: config.DEPENDENCY_TIMEOUT_MS, queryTimeoutMs: config.DEPENDENCY_TIMEOUT_MS });
  const redis = createRedisConnection(config.REDIS_URL, { failFast: true, commandTimeoutMs: config.DEPENDENCY_TIMEOUT_MS, connectionName: "api" });
  const subscriber = createRedisConnection(config.REDIS_URL, { connectionName: "api-events" });
  const pageQueue = createPageQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, attempts: config.JOB_MAX_ATTEMPTS, failFast: true, commandTimeoutMs: config.DEPENDENCY_TIMEOUT_MS });
  const admission = new AdmissionController({ redis, queue: pageQueue, prefix: config.QUEUE_PREFIX, leaseMs: config.JOB_LOCK_MS });
  const jobWaiter = new JobWaiter({
    subscriber,
    prefix: config.QUEUE_PREFIX,
    // A task waiting for the user's answer wakes long-polls too: the client has to act.
    isTerminal: (jobId) => isJobSettled(prisma, jobId),
    pollMs: 2_000,
    logger,
  });
  const agentQueue = createAgentQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
  const agentSubscriber = createRedisConnection(config.REDIS_URL, { connectionName: "api-agent-events" });
  const agentWaiter = new JobWaiter({
    subscriber: agentSubscriber,
    prefix: config.QUEUE_PREFIX,
    isTerminal: async (sessionId) => (await prisma.agentSession.findUnique({ where: { id: sessionId }, select: { status: true } }))?.status !== "queued",
    pollMs: 500,
    logger,
    listen: (sub, wake) => subscribeAgentSignals(sub, config.QUEUE_PREFIX, { settled: wake }),
  });
  const agentEndWaiter = new JobWaiter({
    subscriber: agentSubscriber,
    prefix: config.QUEUE_PREFIX,
    isTerminal: async (sessionId) => ["ended", "failed", undefined].includes((await prisma.agentSession.findUnique({ where: { id: sessionId }, select: { status: true } }))?.status),
    pollMs: 500,
    logger,
    listen: (sub, wake) => subscribeAgentSignals(sub, config.QUEUE_PREFIX, { settled: wake }),
  });
  agentWaiter.start().catch((err: unknown) => logger.error({ err }, "could not subscribe to agent signals"));
  agentEndWaiter.start().catch((err: unknown) => logger.error({ err }, "could not subscribe to agent signals"));
  for (const [name, emitter] of [["redis", redis], ["redis-events", subscriber], ["redis-agent-events", agentSubscriber], ["page-queue", pageQueue], ["agent-queue", agentQueue]] as const) {
    emitter.on("error", (err: Error) => logger.warn({ err: { message: err.message }, connection: name }, "redis connection error"));
  }
  jobWaiter.start().catch((err: unknown) => logger.error({ err }, "could not subscribe to job events"));
  const keyUsage = new KeyUsageRecorder({ prisma, logger, intervalMs: config.API_KEY_USAGE_FLUSH_MS });
  keyUsage.start();
  // Counters live in Redis under QUEUE_PREFIX, so every replica of one fleet shares them.
  const rateLimits = {
    requests: new RateLimiter({ redis, keyPrefix: `${config.QUEUE_PREFIX}:rl:requests`, windowSeconds: 60, timeoutMs: 1_500 }),
    submissions: new RateLimiter({ redis, keyPrefix: `${config.QUEUE_PREFIX}:rl:submissions`, windowSeconds: 1, timeoutMs: 1_500 }),
    agentCreates: new RateLimiter({ redis, keyPrefix: `${config.QUEUE_PREFIX}:rl:agent-creates`, windowSeconds: 60, timeoutMs: 1_500 }),
  };
  const agentSweep = startLostSessionSweep({
    prisma,
    redis,
    prefix: config.QUEUE_PREFIX,
    leaseMs: config.AGENT_LEASE_MS,
    ttlScale: config.AGENT_TTL_SCALE,
    intervalMs: config.AGENT_SWEEP_INTERVAL_MS,
    logger: logger.child({ component: "agents" }),
  });
  const renewalSweep = startRenewalSweep({
    prisma,
    redis,
    prefix: config.QUEUE_PREFIX,
    credits: PRICES.persistent_agent_renewal,
    periodDays: config.PERSISTENT_RENEWAL_DAYS,
    ttlScale: config.AGENT_TTL_SCALE,
    intervalMs: config.AGENT_RENEWAL_INTERVAL_MS,
    logger: logger.child({ component: "agents" }),
  });
  let port = 0;
  const idempotencySweep = startIdempotencySweep({ prisma, logger, intervalMs: config.IDEMPOTENCY_SWEEP_INTERVAL_MS });
  const blobs = createBlobStores(prisma, config);
  const retentionSweep = startResultRetentionSweep({ prisma, stores: blobs, logger, retentionDays: config.RESULT_RETENTION_DAYS, intervalMs: config.RESULT_SWEEP_INTERVAL_MS });

  let draining = false;
  const app = buildApp({
    config,
    logger,
    prisma,
    driver,
    redis,
    pageQueue,
    admission,
    jobWaiter,
    registry: createMetricsRegistry("api", logger),
    targetPolicy: { allowLoopback: config.ALLOW_LOOPBACK_TARGETS, lookup: createHostLookup(config) },
    isDraining: () => draining,
    rateLimits,
    keyUsage,
    blobs,
    agentQueue,
    agentWaiter,
    agentEndWaiter,
    publicUrl: () => config.PUBLIC_API_URL ?? `http://127.0.0.1:${port}`,
    taskKeys: config.TASK_KEY_SECRET === undefined ? null : new TaskKeyVault(redis, config.QUEUE_PREFIX, config.TASK_KEY_SECRET),
  });
  const server = await listen(app, config.HOST, config.PORT);
  configureServer(server, config, logger);
  port = (server.address() as AddressInfo).port;
  const gateway = attachCdpGateway(server, { prisma, config, logger, isDraining: () => draining });
  logger.debug({ routes: listAppRoutes(app) }, "api routes");
  logger.info({ port, host: config.HOST, allow_loopback_targets: config.ALLOW_LOOPBACK_TARGETS }, "api listening");
  if (config.ALLOW_LOOPBACK_TARGETS) logger.warn("ALLOW_LOOPBACK_TARGETS is on: 127.0.0.0/8 and ::1 pass the SSRF guard (local use and tests only)");

  return {
    server,
    port,
    beginDrain: () => (draining = true),
    readiness: () => runReadinessChecks(backingServiceChecks({ postgres: prisma, redis }), draining),
    shutdownSteps: [
      // Waiters first: long-polls answer their job's current state and sync calls a 503 with job_id, so the server can close.
      { name: "wake-waiters", run: () => jobWaiter.close() },
      { name: "wake-agent-waiters", run: async () => Promise.all([agentWaiter.close(), agentEndWaiter.close()]) },
      // Relayed CDP clients are told to reconnect (1001); their sessions go on, hosted by the workers.
      { name: "cdp-gateway", run: async () => gateway.close() },
      // Half the budget for open answers, so the steps after it still fit in SHUTDOWN_TIMEOUT_MS.
      { name: "http", run: () => closeServer(server, { forceAfterMs: Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2) }) },
      { name: "key-usage", run: () => keyUsage.close() },
      { name: "idempotency-sweep", run: () => idempotencySweep.stop() },
      { name: "result-retention-sweep", run: () => retentionSweep.stop() },
      { name: "agent-sweep", run: () => agentSweep.stop() },
      { name: "agent-renewal-sweep", run: () => renewalSweep.stop() },
      { name: "queue", run: () => pageQueue.close() },
      { name: "agent-queue", run: () => agentQueue.close() },
      { name: "redis", run: () => redis.quit() },
      { name: "blob-store", run: async () => blobs.close() },
      { name: "postgres", run: () => prisma.$disconnect() },
      { name: "postgres-hot-paths", run: () => driver.close() },
    ],
  };
}
