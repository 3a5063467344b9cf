import { createJob, createWorkspace, type PrismaClient } from "@browserfleet/db";
import { AdmissionController, type PageQueue } from "@browserfleet/queue";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { Registry } from "prom-client";
import { beforeAll, expect, it } from "vitest";
import { reconcileOnce, type ReconcilerDeps } from "../src/reconciler.ts";
import { createWorkerMetrics } from "../src/worker-metrics.ts";
import { useWorkerServices } from "./worker-services.ts";

const ITEMS = 25;
const PAGE_SIZE = 4;
const PAGES_PER_PASS = 2;
const svc = useWorkerServices("rec_test", { poolMax: 4 });
const prefix = svc.prefix;
let prisma: PrismaClient;
let redis: Redis;
let queue: PageQueue;
let deps: ReconcilerDeps;

beforeAll(() => {
  ({ prisma, redis, queue } = svc);
  deps = {
    prisma,
    // No worker announces slots, so re-enqueued items stay in their pending list for the test to see.
    admission: new AdmissionController({ redis, queue, prefix, leaseMs: 60_000 }),
    redis,
    lockKey: `${prefix}:locks:reconciler`,
    intervalMs: 60_000,
    graceMs: 0,
    pageSize: PAGE_SIZE,
    pagesPerPass: PAGES_PER_PASS,
    metrics: createWorkerMetrics(new Registry()),
    logger: pino({ level: "silent" }),
  };
});

/** One pass, as the next holder of the lock would run it once the previous pass's lock expired. */
async function pass(): Promise<number> {
  await redis.del(deps.lockKey);
  return reconcileOnce(deps);
}

/** What a Redis restart does to the admission state: every queue and lease gone. */
async function loseRedisState(): Promise<void> {
  const keys = await redis.keys(`${prefix}:adm:*`);
  if (keys.length > 0) await redis.del(...keys);
}

it("walks past one pass's cap with a cursor kept in Redis, so every lost item is re-enqueued within a few passes, again after wrapping", async () => {
  const { workspace } = await createWorkspace(prisma, { name: "reconcile" });
  const { items } = await createJob(prisma, {
    workspaceId: workspace.id,
    kind: "batch",
    params: {},
    sync: false,
    urls: Array.from({ length: ITEMS }, (_, i) => ({ url: `http://127.0.0.1/${i}` })),
    reserve: 0,
  });
  const ids = items.map((i) => i.id);
  const perPass = PAGE_SIZE * PAGES_PER_PASS;
  const passesNeeded = Math.ceil(ITEMS / perPass);
  // Committed to Postgres, never enqueued: exactly what a Redis outage at submit time leaves behind.
  expect((await deps.admission.tracked(ids)).filter(Boolean)).toHaveLength(0);

  const repaired: number[] = [];
  for (let i = 0; i < passesNeeded; i += 1) repaired.push(await pass());
  expect(repaired.every((n) => n <= perPass)).toBe(true);
  expect(repaired.reduce((a, b) => a + b, 0)).toBe(ITEMS);
  expect((await deps.admission.tracked(ids)).every(Boolean)).toBe(true);

  // Redis loses everything again: the cursor wraps around to the lowest ids and repairs them all anew.
  await loseRedisState();
  let again = 0;
  for (let i = 0; i < passesNeeded + 1; i += 1) again += await pass();
  expect(again).toBe(ITEMS);
  expect((await deps.admission.tracked(ids)).every(Boolean)).toBe(true);
});
