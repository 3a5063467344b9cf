import { BrowserPool } from "@browserfleet/browser";
import { loadConfig } from "@browserfleet/config";
import { checkTargetUrl, createHostLookup } from "@browserfleet/core";
import { createBlobStores, createJob, createWorkspace, type BlobStores, type PrismaClient } from "@browserfleet/db";
import { AdmissionController, type PageJobData, type PageQueue } from "@browserfleet/queue";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ContextLanes } from "../src/context-lanes.ts";
import { JobAbortControllers } from "../src/job-abort-controllers.ts";
import { processPageItem, type PageItemDeps } from "../src/process-page-item.ts";
import { createWorkerMetrics } from "../src/worker-metrics.ts";
import { useWorkerServices } from "./worker-services.ts";

const config = loadConfig();
const svc = useWorkerServices("bad_params");
const prefix = svc.prefix;
const logger = pino({ level: "silent" });
let prisma: PrismaClient;
let redis: Redis;
let queue: PageQueue;
let blobs: BlobStores;
let pool: BrowserPool;
let admission: AdmissionController;
let deps: PageItemDeps;

beforeAll(async () => {
  ({ prisma, redis, queue } = svc);
  admission = new AdmissionController({ redis, queue, prefix, leaseMs: 60_000 });
  blobs = createBlobStores(prisma, config);
  // Never started: an item whose params cannot be read must fail before any browser is asked for.
  pool = new BrowserPool({ chromiumPath: config.CHROMIUM_PATH, recycleAfterPages: 1, logger });
  await pool.close();
  const targetPolicy = { allowLoopback: true, lookup: createHostLookup(config) };
  deps = {
    prisma,
    pool,
    admission,
    aborts: new JobAbortControllers(logger),
    targetGuard: (url, lookup) => checkTargetUrl(url, targetPolicy, lookup),
    lanes: new ContextLanes(),
    egressUrl: "http://127.0.0.1:9",
    publisher: redis,
    queuePrefix: prefix,
    maxAttempts: 3,
    metrics: createWorkerMetrics(new Registry()),
    logger,
    blobs: blobs.writer,
    renderBounds: { htmlMaxBytes: config.HTML_MAX_BYTES, screenshotMaxHeight: config.SCREENSHOT_MAX_HEIGHT },
  };
});

afterAll(() => {
  blobs?.close();
});

/** The page job admission hands to BullMQ for this item, with the ticket of its lease. */
async function dispatchedRun(workspaceId: string, jobId: string, itemId: string): Promise<PageJobData> {
  await admission.heartbeat(`${prefix}-worker`, 1, 60_000);
  expect(await admission.enqueue(workspaceId, 1, [{ itemId, jobId }])).toBe(1);
  const ids = await queue.getRanges(["wait"], 0, -1);
  const runs = await Promise.all(ids.map((id) => queue.getJob(id)));
  const run = runs.map((r) => r!.data).find((d) => d.itemId === itemId);
  expect(run).toBeDefined();
  return run!;
}

it("fails an item whose stored params break the contract with INTERNAL_ERROR naming the field, charging nothing, without throwing", async () => {
  const { workspace } = await createWorkspace(prisma, { name: "bad-params", initialCredits: 100 });
  const task = { formats: ["text"], max_chars: 1_000, timeout_ms: 10_000, wait_until: "load", full_page: false };
  const { job, items } = await createJob(prisma, {
    workspaceId: workspace.id,
    kind: "scrape",
    params: { url: "http://127.0.0.1:9/page", task, price: 5 },
    sync: false,
    urls: [{ url: "http://127.0.0.1:9/page" }],
    reserve: 5,
  });
  // A row written by another version (or by hand): the price is not a number.
  await prisma.job.update({ where: { id: job.id }, data: { params: { url: "http://127.0.0.1:9/page", task, price: "five" } } });
  const item = items[0]!;
  const run = await dispatchedRun(workspace.id, job.id, item.id);

  await expect(processPageItem(deps, run)).resolves.toBe("done");

  const stored = await prisma.jobItem.findUniqueOrThrow({ where: { id: item.id } });
  expect(stored.status).toBe("failed");
  expect(stored.errorCode).toBe("INTERNAL_ERROR");
  expect(stored.errorMessage).toMatch(/^job params do not match the contract: price: /);
  const finished = await prisma.job.findUniqueOrThrow({ where: { id: job.id } });
  expect(finished).toMatchObject({ status: "failed", errorCode: "INTERNAL_ERROR", creditsCharged: 0 });
  // Price 0: the whole reservation came back.
  expect((await prisma.workspace.findUniqueOrThrow({ where: { id: workspace.id } })).creditBalance).toBe(100);
  // The lease is released, so the workspace's next page can start.
  expect(await admission.snapshot(workspace.id)).toMatchObject({ leases: 0, running: 0, pending: 0 });
});
