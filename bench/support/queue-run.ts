// The queue alone: page items through the admission controller and BullMQ to N worker processes
// whose processor does nothing but release its lease, so jobs/s is the ceiling the queue path
// puts on the fleet, with no browser and no database.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { AdmissionController, createPageQueue, createRedisConnection, enqueuePageItems, type PendingItem } from "@browserfleet/queue";
import { repoRoot } from "../../test/support/app-process.ts";
import { cpuSecondsOf, cpuSecondsOfCommand, measureCpu, ownCpuSeconds, type CpuSplit } from "./process-cpu.ts";

export interface QueueRunOptions {
  jobs: number;
  /** Items are spread over this many workspaces, each at `maxConcurrency`. */
  workspaces: number;
  maxConcurrency: number;
  workerProcesses: number;
  /** Slots (BullMQ concurrency) of each worker process. */
  workerConcurrency: number;
  redisUrl: string;
}

export interface QueueRunResult {
  jobs: number;
  wallMs: number;
  jobsPerSecond: number;
  /** CPU seconds over the run: the worker processes, Redis, this process (the producer and its polling). */
  cpu: CpuSplit;
}

function cpuOfRun(workers: ChildProcess[]): () => CpuSplit {
  return measureCpu({ workers: () => cpuSecondsOf(workers.map((w) => w.pid!)), redis: () => cpuSecondsOfCommand("redis-server"), bench: ownCpuSeconds });
}

function workerEnv(options: QueueRunOptions, prefix: string, mode: "admission" | "bare"): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/root",
    REDIS_URL: options.redisUrl,
    QUEUE_BENCH_PREFIX: prefix,
    QUEUE_BENCH_CONCURRENCY: String(options.workerConcurrency),
    QUEUE_BENCH_LEASE_MS: String(LEASE_MS),
    QUEUE_BENCH_MODE: mode,
  };
}

const LEASE_MS = 30_000;
const POLL_MS = 25;
const READY_TIMEOUT_MS = 30_000;

/** One run on its own queue prefix, removed afterwards; throws if the items do not all finish. */
export async function runQueueOnly(options: QueueRunOptions): Promise<QueueRunResult> {
  const prefix = `bench_q_${randomBytes(5).toString("hex")}`;
  const redis = createRedisConnection(options.redisUrl, { connectionName: "bench-queue" });
  const queue = createPageQueue({ redisUrl: options.redisUrl, prefix, attempts: 1 });
  const admission = new AdmissionController({ redis, queue, prefix, leaseMs: LEASE_MS });
  const workers: ChildProcess[] = [];
  try {
    const env = workerEnv(options, prefix, "admission");
    await Promise.all(Array.from({ length: options.workerProcesses }, () => startNoopWorker(env, workers)));
    const capacity = options.workerProcesses * options.workerConcurrency;
    while ((await admission.snapshot()).capacity < capacity) await sleep(POLL_MS);

    const workspaceIds = Array.from({ length: options.workspaces }, () => randomUUID());
    const items = new Map<string, PendingItem[]>(workspaceIds.map((ws) => [ws, []]));
    const jobIds = new Map(workspaceIds.map((ws) => [ws, randomUUID()]));
    for (let i = 0; i < options.jobs; i++) {
      const ws = workspaceIds[i % workspaceIds.length]!;
      items.get(ws)!.push({ itemId: randomUUID(), jobId: jobIds.get(ws)! });
    }

    const cpu = cpuOfRun(workers);
    const startedAt = performance.now();
    for (const ws of workspaceIds) await admission.enqueue(ws, options.maxConcurrency, items.get(ws)!);
    // Cheap check first (leases fleet-wide), so polling adds little to the Redis being measured.
    await pollUntilDone(options.jobs, "queue run", async () => {
      const fleet = await admission.snapshot();
      if (fleet.leases > 0) return JSON.stringify(fleet);
      const pending = await Promise.all(workspaceIds.map(async (ws) => (await admission.snapshot(ws)).pending));
      return pending.every((n) => n === 0) ? null : `pending ${JSON.stringify(pending)}`;
    });
    return resultOf(options.jobs, startedAt, cpu);
  } finally {
    await Promise.all(workers.map(stopChild));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await deleteKeys(redis, `${prefix}:adm:*`);
    await queue.close();
    await redis.quit();
  }
}

/**
 * The baseline in the same run: the same no-op jobs straight into the same BullMQ queue (same job
 * options and ids) for the same consumers, no admission: what BullMQ alone does on this machine.
 */
export async function runBullmqOnly(options: Omit<QueueRunOptions, "workspaces" | "maxConcurrency">): Promise<QueueRunResult> {
  const prefix = `bench_b_${randomBytes(5).toString("hex")}`;
  const queue = createPageQueue({ redisUrl: options.redisUrl, prefix, attempts: 1 });
  const workers: ChildProcess[] = [];
  try {
    const env = workerEnv({ ...options, workspaces: 0, maxConcurrency: 0 }, prefix, "bare");
    await Promise.all(Array.from({ length: options.workerProcesses }, () => startNoopWorker(env, workers)));
    const jobId = randomUUID();
    const workspaceId = randomUUID();
    const cpu = cpuOfRun(workers);
    const startedAt = performance.now();
    for (let i = 0; i < options.jobs; i += 1_000) {
      const chunk = Array.from({ length: Math.min(1_000, options.jobs - i) }, () => ({ workspaceId, itemId: randomUUID(), jobId, ticket: "1" }));
      await enqueuePageItems(queue, chunk);
    }
    await pollUntilDone(options.jobs, "BullMQ baseline", async () => {
      const counts = await queue.getJobCounts("wait", "active", "delayed", "prioritized", "waiting-children");
      return Object.values(counts).every((n) => n === 0) ? null : JSON.stringify(counts);
    });
    return resultOf(options.jobs, startedAt, cpu);
  } finally {
    await Promise.all(workers.map(stopChild));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/** Polls `remaining` (null once every job is done, else what is left) until done; throws past a deadline that grows with the run. */
async function pollUntilDone(jobs: number, what: string, remaining: () => Promise<string | null>): Promise<void> {
  const deadline = Date.now() + Math.max(60_000, jobs * 10);
  for (;;) {
    const left = await remaining();
    if (left === null) return;
    if (Date.now() > deadline) throw new Error(`${what} stuck: ${left}`);
    await sleep(POLL_MS);
  }
}

function resultOf(jobs: number, startedAt: number, cpu: () => CpuSplit): QueueRunResult {
  const wallMs = performance.now() - startedAt;
  return { jobs, wallMs, jobsPerSecond: (jobs / wallMs) * 1000, cpu: cpu() };
}

async function startNoopWorker(env: Record<string, string>, started: ChildProcess[]): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", join("bench", "support", "queue-noop-worker.ts")], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "inherit"] });
  started.push(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no-op worker not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.includes('"msg":"ready"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`no-op worker exited with ${code} before it was ready`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

async function deleteKeys(redis: ReturnType<typeof createRedisConnection>, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
