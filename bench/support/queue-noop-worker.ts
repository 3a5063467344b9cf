// One worker process of the queue-only bench: the real worker's queue path (fleet heartbeat,
// BullMQ consumer, lease release that admits the next item) around a processor that does nothing;
// or, with QUEUE_BENCH_MODE=bare, a plain BullMQ consumer of the same queue (the baseline).
// Started by queue-run.ts; reads QUEUE_BENCH_* from the environment, says "ready" on stdout.
import { randomBytes } from "node:crypto";
import { Worker } from "bullmq";
import { AdmissionController, PAGE_QUEUE_NAME, bullConnection, createPageQueue, createRedisConnection, type PageJobData } from "@browserfleet/queue";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = process.env.QUEUE_BENCH_PREFIX!;
const concurrency = Number(process.env.QUEUE_BENCH_CONCURRENCY ?? "8");
const leaseMs = Number(process.env.QUEUE_BENCH_LEASE_MS ?? "30000");
const bare = process.env.QUEUE_BENCH_MODE === "bare";
const HEARTBEAT_MS = 1_000;

const redis = createRedisConnection(redisUrl, { connectionName: "bench-noop-worker" });
const queue = createPageQueue({ redisUrl, prefix, attempts: 1 });
const admission = new AdmissionController({ redis, queue, prefix, leaseMs });
const workerId = `bench:${process.pid}:${randomBytes(3).toString("hex")}`;

const processor = bare ? async (): Promise<void> => undefined : (job: { data: PageJobData }) => admission.release(job.data.itemId, job.data.ticket).then(() => undefined);
const worker = new Worker<PageJobData>(PAGE_QUEUE_NAME, processor, {
  connection: bullConnection(redisUrl),
  prefix,
  concurrency,
  lockDuration: leaseMs,
  maxStalledCount: 0,
});
worker.on("error", (err) => process.stderr.write(`noop worker: ${err.message}\n`));

// Same contract as the real worker's fleet membership: slots count while heartbeats are fresh.
const beat = (slots: number): Promise<number> => admission.heartbeat(workerId, slots, HEARTBEAT_MS * 5);
const timer = setInterval(() => void (bare ? undefined : beat(concurrency).catch(() => undefined)), HEARTBEAT_MS);
if (!bare) await beat(concurrency);
await worker.waitUntilReady();
process.stdout.write(`${JSON.stringify({ msg: "ready", worker_id: workerId })}\n`);

process.once("SIGTERM", () => {
  clearInterval(timer);
  void (async () => {
    if (!bare) await beat(0).catch(() => undefined);
    await worker.close();
    await queue.close();
    await redis.quit();
    process.exit(0);
  })();
});
