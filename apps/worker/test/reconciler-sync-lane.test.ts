import { createJob, createWorkspace, type PrismaClient } from "@browserfleet/db";
import { AdmissionController, type PageQueue } from "@browserfleet/queue";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { Registry } from "prom-client";
import { beforeAll, expect, it } from "vitest";
import { reconcileOnce } from "../src/reconciler.ts";
import { createWorkerMetrics } from "../src/worker-metrics.ts";
import { useWorkerServices } from "./worker-services.ts";

const svc = useWorkerServices("rec_sync");
const prefix = svc.prefix;
let prisma: PrismaClient;
let redis: Redis;
let queue: PageQueue;

beforeAll(() => {
  ({ prisma, redis, queue } = svc);
});

it("puts a lost sync call's item back in its workspace's sync lane, and a batch's items in the bulk lane", async () => {
  const { workspace } = await createWorkspace(prisma, { name: "reconcile-sync" });
  const job = (sync: boolean, count: number) =>
    createJob(prisma, { workspaceId: workspace.id, kind: sync ? "scrape" : "batch", params: {}, sync, urls: Array.from({ length: count }, (_, i) => ({ url: `http://127.0.0.1/${i}` })), reserve: 0 });
  // Committed, never enqueued: what a Redis outage at submit time leaves behind.
  await job(false, 3);
  await job(true, 1);
  // No worker announces slots, so the re-enqueued items stay in their lanes for the test to see.
  const admission = new AdmissionController({ redis, queue, prefix, leaseMs: 60_000 });
  const repaired = await reconcileOnce({
    prisma,
    admission,
    redis,
    lockKey: `${prefix}:locks:reconciler`,
    intervalMs: 60_000,
    graceMs: 0,
    pageSize: 100,
    pagesPerPass: 1,
    metrics: createWorkerMetrics(new Registry()),
    logger: pino({ level: "silent" }),
  });
  expect(repaired).toBe(4);
  expect(await admission.snapshot(workspace.id)).toMatchObject({ pending: 4, pendingSync: 1 });
});
