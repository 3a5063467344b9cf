import { DelayedError, Worker } from "bullmq";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { AGENT_QUEUE_NAME, createAgentQueue, startLostSessionSweep, type AgentJobData } from "@browserfleet/agents";
import { AgentBrowserLauncher, BrowserPool, sweepOrphanedProfileRoots } from "@browserfleet/browser";
import { startEgressProxy } from "@browserfleet/egress";
import { loadConfig } from "@browserfleet/config";
import { checkTargetUrl, createHostLookup, warmupRecipes, type LookupOptions } from "@browserfleet/core";
import { createBlobStores, createPrismaClient, postgresProfileStore } from "@browserfleet/db";
import { AdmissionController, PAGE_QUEUE_NAME, bullConnection, createPageQueue, createRedisConnection, type PageJobData } from "@browserfleet/queue";
import { backingServiceChecks, createLogger, createMetricsRegistry, exitOnConfigError, onShutdownSignal, startOpsServer } from "@browserfleet/runtime";
import { ContextLanes } from "./context-lanes.ts";
import { joinFleet } from "./fleet-membership.ts";
import { processPageItem } from "./process-page-item.ts";
import { startReconciler } from "./reconciler.ts";
import { JobAbortControllers } from "./job-abort-controllers.ts";
import { countWaitingAgentSessions, createWorkerMetrics, registerAdmissionGauges, registerAgentGauges, registerBrowserMetrics } from "./worker-metrics.ts";
import { AgentHost } from "./agents/agent-host.ts";
import { agentRelayRoutes, attachAgentRelay } from "./agents/agent-relay.ts";
import { identityWorkerRoutes } from "./agents/identity/identity-worker-routes.ts";
import { liveWorkerRoutes } from "./agents/live/live-worker-routes.ts";
import { WarmBrowsers } from "./agents/warm-browsers.ts";
import { TaskRunner } from "./tasks/task-runner.ts";
import { TaskKeyVault } from "@browserfleet/tasks";

const config = exitOnConfigError(loadConfig);
const logger = createLogger({ level: config.LOG_LEVEL, process: "worker", maxBufferedBytes: config.LOG_MAX_BUFFERED_BYTES });
const registry = createMetricsRegistry("worker", logger);
const metrics = createWorkerMetrics(registry);
const prisma = createPrismaClient(config.DATABASE_URL, { connectTimeoutMs: config.DEPENDENCY_TIMEOUT_MS });
const redis = createRedisConnection(config.REDIS_URL, { connectionName: "worker" });
redis.on("error", (err: Error) => logger.warn({ err: { message: err.message } }, "redis connection error"));
const subscriber = createRedisConnection(config.REDIS_URL, { connectionName: "worker-events" });
subscriber.on("error", (err: Error) => logger.warn({ err: { message: err.message } }, "redis connection error"));
const queue = createPageQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, attempts: config.JOB_MAX_ATTEMPTS });
const admission = new AdmissionController({ redis, queue, prefix: config.QUEUE_PREFIX, leaseMs: config.JOB_LOCK_MS });
registerAdmissionGauges(registry, admission);
const aborts = new JobAbortControllers(logger);
await aborts.listen(subscriber, config.QUEUE_PREFIX);
const targetPolicy = { allowLoopback: config.ALLOW_LOOPBACK_TARGETS, lookup: createHostLookup(config) };
// Every connection Chromium makes goes through this proxy, which checks and pins the address:
// speculative prefetches, WebRTC and DNS rebinding cannot slip past request interception.
const egress = await startEgressProxy({ policy: targetPolicy, logger: logger.child({ component: "egress-proxy" }) });
const pool = new BrowserPool({
  egress,
  chromiumPath: config.CHROMIUM_PATH,
  extraArgs: config.CHROMIUM_EXTRA_ARGS,
  sandbox: config.CHROMIUM_SANDBOX,
  sandboxUser: { uid: config.CHROMIUM_SANDBOX_UID, gid: config.CHROMIUM_SANDBOX_GID },
  chromiumEnv: config.CHROMIUM_ENV,
  recycleAfterPages: config.BROWSER_RECYCLE_PAGES,
  logger: logger.child({ component: "browser-pool" }),
});
await pool.start();
registerBrowserMetrics(registry, pool);

const blobs = createBlobStores(prisma, config);
const deps = {
  prisma,
  blobs: blobs.writer,
  renderBounds: { htmlMaxBytes: config.HTML_MAX_BYTES, screenshotMaxHeight: config.SCREENSHOT_MAX_HEIGHT },
  pool,
  admission,
  aborts,
  egressUrl: egress.url,
  targetGuard: (url: string, lookup?: LookupOptions) => checkTargetUrl(url, targetPolicy, lookup),
  lanes: new ContextLanes(),
  publisher: redis,
  queuePrefix: config.QUEUE_PREFIX,
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
  // A run whose worker died is not retried by BullMQ: its lease expires and admission hands it out again.
  maxStalledCount: 0,
});
worker.on("error", (err) => logger.warn({ err: { message: err.message } }, "queue worker error"));
worker.on("failed", (job, err) => logger.warn({ err: { message: err.message }, item_id: job?.id, attempts: job?.attemptsMade }, "page job threw"));

const fleet = joinFleet({
  admission,
  slots: config.WORKER_CONCURRENCY,
  maxMemoryFraction: config.WORKER_MAX_MEMORY_FRACTION,
  intervalMs: 1_000,
  logger,
  // Once the drain has closed the consumer, nothing may start it again.
  onIntakeChange: (accepting) => {
    if (worker.closing) return;
    if (accepting) void worker.resume();
    else void worker.pause(true);
  },
});

const reconciler = startReconciler({
  prisma,
  admission,
  redis,
  lockKey: `${config.QUEUE_PREFIX}:locks:reconciler`,
  intervalMs: config.RECONCILE_INTERVAL_MS,
  graceMs: config.RECONCILE_GRACE_MS,
  pageSize: config.RECONCILE_PAGE_SIZE,
  pagesPerPass: config.RECONCILE_PAGES_PER_PASS,
  metrics,
  logger,
});

// Agents: dedicated browsers clients drive over the CDP gateway. Without a fleet secret the relay could not tell the
// API from anyone else who reaches this port, so the worker then hosts none.
const agentSlots = config.FLEET_SECRET === undefined ? 0 : config.WORKER_AGENT_SLOTS;
if (config.FLEET_SECRET === undefined && config.WORKER_AGENT_SLOTS > 0) logger.warn("FLEET_SECRET is not set: this worker hosts no agents (set it on the API and every worker)");
const agentLogger = logger.child({ component: "agents" });
if (agentSlots > 0 && config.TASK_KEY_SECRET === undefined) logger.warn("TASK_KEY_SECRET is not set: an AI task placed on this worker fails (set it on the API and every worker)");
// Profile dirs a SIGKILLed worker on this machine left behind (each process keeps its own under one root).
const orphanedProfiles = await sweepOrphanedProfileRoots().catch((err: unknown) => {
  agentLogger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "could not sweep orphaned agent profile dirs");
  return [];
});
if (orphanedProfiles.length > 0) agentLogger.info({ removed: orphanedProfiles }, "removed agent profile dirs of workers that are gone");
const agentBrowsers = new WarmBrowsers(
  new AgentBrowserLauncher({
    chromiumPath: config.CHROMIUM_PATH,
    extraArgs: config.CHROMIUM_EXTRA_ARGS,
    sandbox: config.CHROMIUM_SANDBOX,
    sandboxUser: { uid: config.CHROMIUM_SANDBOX_UID, gid: config.CHROMIUM_SANDBOX_GID },
    chromiumEnv: config.CHROMIUM_ENV,
    // Each agent browser gets a proxy of its own (same policy), so its egress is metered apart from every other's.
    egressPerBrowser: () => startEgressProxy({ policy: targetPolicy, logger: logger.child({ component: "agent-egress-proxy" }) }),
    logger: agentLogger,
  }),
  agentSlots === 0 ? 0 : config.AGENT_WARM_POOL,
  agentLogger,
);
const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
let relayUrl = "";
const agentHost = new AgentHost({
  prisma,
  redis,
  prefix: config.QUEUE_PREFIX,
  workerId,
  workerUrl: () => relayUrl,
  browsers: agentBrowsers,
  ttlScale: config.AGENT_TTL_SCALE,
  leaseMs: config.AGENT_LEASE_MS,
  profiles: postgresProfileStore(prisma),
  profileMaxBytes: config.PROFILE_MAX_BYTES,
  warmupRecipes: warmupRecipes(config.AGENT_WARMUP_RECIPES),
  tasks: new TaskRunner({
    prisma,
    publisher: redis,
    prefix: config.QUEUE_PREFIX,
    vault: config.TASK_KEY_SECRET === undefined ? null : new TaskKeyVault(redis, config.QUEUE_PREFIX, config.TASK_KEY_SECRET),
    aborts,
    targetPolicy,
    relayUrl: () => relayUrl,
    fleetSecret: config.FLEET_SECRET ?? "",
    logger: logger.child({ component: "tasks" }),
  }),
  logger: agentLogger,
});
const relay = { host: agentHost, fleetSecret: config.FLEET_SECRET ?? "", logger: agentLogger };
// Read only for the agents_waiting gauge (the API places sessions on it).
const agentQueue = createAgentQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
agentQueue.on("error", (err: Error) => agentLogger.warn({ err: { message: err.message } }, "agent queue connection error"));
registerAgentGauges(registry, { running: () => agentHost.hostedCount, slots: agentSlots, waiting: () => countWaitingAgentSessions(agentQueue) });

let draining = false;
const ops = await startOpsServer({
  host: config.HOST,
  port: config.WORKER_PORT,
  registry,
  isDraining: () => draining,
  checks: backingServiceChecks({ postgres: prisma, redis }),
  routes: agentSlots > 0 ? [agentRelayRoutes(relay), identityWorkerRoutes(relay), liveWorkerRoutes(relay)] : [],
});
const advertisedHost = config.WORKER_ADVERTISE_HOST ?? (["0.0.0.0", "::", "[::]"].includes(config.HOST) ? hostname() : config.HOST);
relayUrl = `http://${advertisedHost.includes(":") && !advertisedHost.startsWith("[") ? `[${advertisedHost}]` : advertisedHost}:${ops.port}`;
const agentSweep = startLostSessionSweep({
  prisma,
  redis,
  prefix: config.QUEUE_PREFIX,
  leaseMs: config.AGENT_LEASE_MS,
  ttlScale: config.AGENT_TTL_SCALE,
  intervalMs: config.AGENT_SWEEP_INTERVAL_MS,
  logger: agentLogger,
});
let agentWorker: Worker<AgentJobData> | null = null;
if (agentSlots > 0) {
  attachAgentRelay(ops.server, relay);
  await agentHost.start(subscriber);
  agentBrowsers.fill();
  agentWorker = new Worker<AgentJobData>(
    AGENT_QUEUE_NAME,
    async (job, token) => {
      if (draining) {
        // Fetched as the drain began: back to the queue for another worker (a delay is no attempt).
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      await agentHost.runSession(job.data.sessionId);
    },
    {
      connection: bullConnection(config.REDIS_URL),
      prefix: config.QUEUE_PREFIX,
      concurrency: agentSlots,
      // A session's job lasts as long as the session; a dead worker's job is not run again (its session ends worker_lost).
      maxStalledCount: 0,
    },
  );
  agentWorker.on("error", (err) => agentLogger.warn({ err: { message: err.message } }, "agent queue worker error"));
}
logger.info({ concurrency: config.WORKER_CONCURRENCY, agent_slots: agentSlots, ops_port: ops.port, relay_url: relayUrl, prefix: config.QUEUE_PREFIX }, "worker ready");

onShutdownSignal({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  beforeDrain: () => {
    draining = true;
    reconciler.stop();
    // No new pages and no new agent sessions (close, unlike pause, also cuts a fetch already waiting): pages
    // admitted from now on go to the other workers. The pages and sessions running go on until they end (or the
    // agents step's deadline), and the queue-worker and agent-queue-worker steps wait for these same closes.
    void worker.close();
    void agentWorker?.close();
  },
  steps: [
    { name: "fleet", run: () => fleet.leave() },
    { name: "agents", run: () => agentHost.drain(Math.floor(config.SHUTDOWN_TIMEOUT_MS / 2)) },
    { name: "agent-queue-worker", run: async () => agentWorker?.close() },
    { name: "agent-browsers", run: () => agentBrowsers.close() },
    { name: "agent-sweep", run: () => agentSweep.stop() },
    { name: "queue-worker", run: () => worker.close() },
    { name: "browser-pool", run: () => pool.close() },
    { name: "egress-proxy", run: () => egress.close() },
    { name: "queue", run: () => queue.close() },
    { name: "agent-queue", run: () => agentQueue.close() },
    { name: "ops", run: () => ops.close() },
    { name: "redis", run: () => redis.quit() },
    { name: "redis-events", run: () => subscriber.quit() },
    { name: "blob-store", run: async () => blobs.close() },
    { name: "postgres", run: () => prisma.$disconnect() },
  ],
});
