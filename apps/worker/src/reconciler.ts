import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { findItemsToReconcile, findWorkspaceLimits, type Db } from "@browserfleet/db";
import type { AdmissionController } from "@browserfleet/queue";
import type { WorkerMetrics } from "./worker-metrics.ts";

export interface ReconcilerDeps {
  prisma: Db;
  admission: AdmissionController;
  redis: Redis;
  lockKey: string;
  intervalMs: number;
  /** Items younger than this are left to the normal path. */
  graceMs: number;
  /** Items read per query, and queries per pass: a pass is bounded, and the next one continues after it. */
  pageSize: number;
  pagesPerPass: number;
  metrics: WorkerMetrics;
  logger: Logger;
}

/**
 * Repairs Redis from Postgres (one worker at a time, under a Redis lock): every item Postgres
 * holds as queued or running that Redis tracks in no pending list and no lease (Redis
 * restarted, a crash between commit and enqueue) goes back to its workspace's queue, and the
 * limits of waiting workspaces are refreshed from Postgres. Re-enqueueing is harmless: every
 * item transition is guarded in Postgres and every run must hold the item's lease. A pass reads
 * at most pagesPerPass × pageSize items in id order from a cursor kept next to the lock, so
 * whichever worker holds the lock next continues there, and it wraps around at the end.
 */
export async function reconcileOnce(deps: ReconcilerDeps): Promise<number> {
  const got = await deps.redis.set(deps.lockKey, String(process.pid), "PX", deps.intervalMs, "NX");
  if (got !== "OK") return 0;
  const changedBefore = new Date(Date.now() - deps.graceMs);
  const cursorKey = `${deps.lockKey}:cursor`;
  let afterId = (await deps.redis.get(cursorKey)) || undefined;
  let repaired = 0;
  const lostWorkspaces = new Set<string>();
  for (let page = 0; page < deps.pagesPerPass; page += 1) {
    const candidates = await findItemsToReconcile(deps.prisma, { changedBefore, limit: deps.pageSize, ...(afterId ? { afterId } : {}) });
    if (candidates.length === 0) {
      afterId = undefined;
      break;
    }
    afterId = candidates[candidates.length - 1]!.id;
    const tracked = await deps.admission.tracked(candidates.map((c) => c.id));
    const lost = candidates.filter((_, i) => !tracked[i]);
    const byWorkspace = new Map<string, typeof lost>();
    for (const item of lost) byWorkspace.set(item.workspaceId, [...(byWorkspace.get(item.workspaceId) ?? []), item]);
    // The limit travels with the items: after a Redis restart Redis knows no limit at all.
    const limits = await findWorkspaceLimits(deps.prisma, [...byWorkspace.keys()]);
    for (const [workspaceId, items] of byWorkspace) {
      lostWorkspaces.add(workspaceId);
      for (const lane of ["sync", "bulk"] as const) {
        const inLane = items.filter((i) => i.sync === (lane === "sync"));
        if (inLane.length > 0) await deps.admission.enqueue(workspaceId, limits.get(workspaceId) ?? null, inLane.map((i) => ({ itemId: i.id, jobId: i.jobId })), { lane });
      }
      repaired += items.length;
    }
    if (candidates.length < deps.pageSize) {
      afterId = undefined;
      break;
    }
  }
  // No cursor: the end was reached and the next pass starts again from the lowest id (a lost cursor means the same).
  if (afterId === undefined) await deps.redis.del(cursorKey);
  else await deps.redis.set(cursorKey, afterId, "PX", deps.intervalMs * 20);
  const waiting = new Set([...(await deps.admission.waitingWorkspaces()), ...lostWorkspaces]);
  await deps.admission.setLimits(await findWorkspaceLimits(deps.prisma, [...waiting]));
  if (repaired > 0) {
    deps.metrics.reenqueued.inc(repaired);
    deps.logger.warn({ count: repaired }, "reconciler re-enqueued items Redis had lost");
  }
  return repaired;
}

export function startReconciler(deps: ReconcilerDeps): { stop(): void } {
  const timer = setInterval(() => {
    reconcileOnce(deps).catch((err: unknown) => deps.logger.warn({ err }, "reconciler pass failed"));
  }, deps.intervalMs);
  return { stop: () => clearInterval(timer) };
}
