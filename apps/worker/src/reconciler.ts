import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { findItemsToReconcile, type Db } from "@browserfleet/db";
import { enqueuePageItems, type PageQueue } from "@browserfleet/queue";
import type { WorkerMetrics } from "./worker-metrics.ts";

export interface ReconcilerDeps {
  prisma: Db;
  queue: PageQueue;
  redis: Redis;
  lockKey: string;
  intervalMs: number;
  /** Items younger than this are left to the normal path. */
  graceMs: number;
  metrics: WorkerMetrics;
  logger: Logger;
}

/**
 * Repairs Redis from Postgres: an item Postgres holds as queued or running whose queue job
 * is gone (Redis restarted, crash between commit and enqueue) or dead is enqueued again.
 * Re-enqueueing is harmless: every item transition is guarded in Postgres.
 */
export async function reconcileOnce(deps: ReconcilerDeps): Promise<number> {
  const got = await deps.redis.set(deps.lockKey, String(process.pid), "PX", deps.intervalMs, "NX");
  if (got !== "OK") return 0;
  const candidates = await findItemsToReconcile(deps.prisma, { changedBefore: new Date(Date.now() - deps.graceMs), limit: 1_000 });
  const lost = [];
  for (const item of candidates) {
    const existing = await deps.queue.getJob(item.id);
    if (existing) {
      const state = await existing.getState();
      if (state !== "failed" && state !== "completed" && state !== "unknown") continue;
      await existing.remove().catch(() => undefined);
    }
    lost.push({ itemId: item.id, jobId: item.jobId, workspaceId: item.workspaceId });
  }
  await enqueuePageItems(deps.queue, lost);
  if (lost.length > 0) {
    deps.metrics.reenqueued.inc(lost.length);
    deps.logger.warn({ count: lost.length }, "reconciler re-enqueued items missing from the queue");
  }
  return lost.length;
}

export function startReconciler(deps: ReconcilerDeps): { stop(): void } {
  const timer = setInterval(() => {
    reconcileOnce(deps).catch((err: unknown) => deps.logger.warn({ err }, "reconciler pass failed"));
  }, deps.intervalMs);
  return { stop: () => clearInterval(timer) };
}
