// browserfleet through the whole stack for the batch bench: real API and worker processes, a
// temporary database, one workspace whose max_concurrency each run sets, POST /v1/quick/batch,
// then the job's own timestamps and its items' rows in Postgres.
import { createPrismaClient, createWorkspace, grantCredits, setWorkspaceMaxConcurrency, type PrismaClient } from "@browserfleet/db";
import { createTemporaryDatabase, type TemporaryDatabase } from "@browserfleet/db/testing";
import { TERMINAL_JOB_STATUSES, type JobStatus, type QuickBatchBody } from "@browserfleet/core";
import { startApp, type AppProcess } from "../../test/support/app-process.ts";

export interface FleetBatchStackOptions {
  chromiumPath: string;
  extraArgs: string[];
  /** Pages one worker process renders at once (WORKER_CONCURRENCY). */
  workerConcurrency: number;
  /** Credits to grant the bench workspace: one per page the whole bench submits. */
  credits: number;
}

export interface FleetBatchResult {
  jobId: string;
  status: JobStatus;
  pages: number;
  failed: number;
  /** Failed items per error code, e.g. {"TIMEOUT": 2}. */
  failures: Record<string, number>;
  /** Client submit → the job's completed_at (the same clock: API and bench run on this machine). */
  wallMs: number;
  pagesPerSecond: number;
  /** Per item, job_items.started_at → completed_at: render plus writing the result. */
  latenciesMs: number[];
  /** Per item, job_items.created_at → started_at: time spent waiting in the queue. */
  queueWaitsMs: number[];
}

export interface FleetBatchStack {
  apiUrl: string;
  /** Sets the workspace's max_concurrency, submits one batch of `urls` and waits for it to end. */
  runBatch(urls: string[], maxConcurrency: number): Promise<FleetBatchResult>;
  stop(): Promise<void>;
}

interface JobEnvelope {
  id: string;
  status: JobStatus;
  progress_done: number;
  progress_failed: number;
  progress_total: number;
  completed_at: string | null;
}

type BatchRequest = Pick<QuickBatchBody, "urls" | "formats">;

const LONG_POLL_SECONDS = 60;

/** Starts the API and ONE worker process on a fresh database and makes the bench workspace. */
export async function startFleetBatchStack(options: FleetBatchStackOptions): Promise<FleetBatchStack> {
  const database = await createTemporaryDatabase();
  const prisma = createPrismaClient(database.url);
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: `bench_batch_${process.pid}`,
    PORT: "0",
    WORKER_PORT: "0",
    ALLOW_LOOPBACK_TARGETS: "true",
    DNS_LOOPBACK_ONLY: "true",
    CHROMIUM_EXTRA_ARGS: JSON.stringify(options.extraArgs),
    WORKER_CONCURRENCY: String(options.workerConcurrency),
    LOG_LEVEL: "info",
    CHROMIUM_PATH: options.chromiumPath,
  };
  const apps: AppProcess[] = [];
  try {
    // allSettled: a failure must not leave a sibling that finishes starting afterwards unstopped.
    const launched = await Promise.allSettled([startApp("api", env), startApp("worker", env)]);
    for (const l of launched) if (l.status === "fulfilled") apps.push(l.value);
    const launchFailure = launched.find((l) => l.status === "rejected");
    if (launchFailure) throw launchFailure.reason;
    const apiUrl = `http://127.0.0.1:${apps[0]!.port}`;
    const { workspace, apiKey } = await createWorkspace(prisma, { name: "bench-batch" });
    await grantCredits(prisma, { workspaceId: workspace.id, amount: options.credits });
    const headers = { "x-api-key": apiKey.key, "content-type": "application/json" };
    return {
      apiUrl,
      runBatch: async (urls, maxConcurrency) => {
        await setWorkspaceMaxConcurrency(prisma, workspace.id, maxConcurrency);
        return runOneBatch(prisma, apiUrl, headers, { urls, formats: ["html", "links"] });
      },
      stop: () => stopAll(apps, prisma, database),
    };
  } catch (err) {
    await stopAll(apps, prisma, database, "SIGKILL");
    throw err;
  }
}

async function runOneBatch(prisma: PrismaClient, apiUrl: string, headers: Record<string, string>, body: BatchRequest): Promise<FleetBatchResult> {
  const submittedAt = Date.now();
  const res = await fetch(`${apiUrl}/v1/quick/batch`, { method: "POST", headers, body: JSON.stringify(body) });
  const accepted = (await res.json()) as { job_id?: string };
  if (res.status !== 202 || typeof accepted.job_id !== "string") {
    throw new Error(`POST /v1/quick/batch answered ${res.status}: ${JSON.stringify(accepted).slice(0, 500)}`);
  }
  const jobId = accepted.job_id;
  let job: JobEnvelope;
  do {
    const polled = await fetch(`${apiUrl}/v1/jobs/${jobId}?wait=${LONG_POLL_SECONDS}`, { headers });
    if (polled.status !== 200) throw new Error(`GET /v1/jobs/${jobId} answered ${polled.status}: ${(await polled.text()).slice(0, 500)}`);
    job = (await polled.json()) as JobEnvelope;
  } while (!TERMINAL_JOB_STATUSES.includes(job.status));
  if (job.completed_at === null) throw new Error(`job ${jobId} is ${job.status} without completed_at`);

  const items = await prisma.jobItem.findMany({ where: { jobId }, select: { createdAt: true, startedAt: true, completedAt: true, errorCode: true } });
  const latenciesMs: number[] = [];
  const queueWaitsMs: number[] = [];
  const failures: Record<string, number> = {};
  for (const item of items) {
    if (item.errorCode !== null) failures[item.errorCode] = (failures[item.errorCode] ?? 0) + 1;
    if (item.startedAt === null) continue;
    queueWaitsMs.push(item.startedAt.getTime() - item.createdAt.getTime());
    if (item.completedAt !== null) latenciesMs.push(item.completedAt.getTime() - item.startedAt.getTime());
  }
  const wallMs = Date.parse(job.completed_at) - submittedAt;
  return {
    jobId,
    status: job.status,
    pages: body.urls.length,
    failed: job.progress_failed + (job.progress_total - job.progress_done),
    failures,
    wallMs,
    pagesPerSecond: (body.urls.length / wallMs) * 1000,
    latenciesMs,
    queueWaitsMs,
  };
}

async function stopAll(apps: AppProcess[], prisma: PrismaClient, database: TemporaryDatabase, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  await Promise.all(apps.map((a) => a.stop(signal)));
  await prisma.$disconnect();
  await database.drop();
}
