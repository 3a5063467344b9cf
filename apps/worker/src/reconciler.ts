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
  metrics: WorkerMetrics;
  logger: Logger;
}

const PAGE = 1_000;
const MAX_PAGES_PER_PASS = 50;

/**
 * Repairs Redis from Postgres (one worker at a time, under a Redis lock): every item Postgres
 * holds as queued or running that Redis tracks in no pending list and no lease (Redis
 * restarted, a crash between commit and enqueue) goes back to its workspace's queue, and the
 * limits of waiting workspaces are refreshed from Postgres. Re-enqueueing is harmless: every
 * item transition is guarded in Postgres and every run must hold the item's lease.
 */
export async function reconcileOnce(deps: ReconcilerDeps): Promise<number> {
  const got = await deps.redis.set(deps.lockKey, String(process.pid), "PX", deps.intervalMs, "NX");
  if (got !== "OK") return 0;
  const changedBefore = new Date(Date.now() - deps.graceMs);
  let afterId: string | undefined;
  let repaired = 0;
  const lostWorkspaces = new Set<string>();
  for (let page = 0; page < MAX_PAGES_PER_PASS; page += 1) {
    const candidates = await findItemsToReconcile(deps.prisma, { changedBefore, limit: PAGE, ...(afterId ? { afterId } : {}) });
    if (candidates.length === 0) break;
    afterId = candidates[candidates.length - 1]!.id;
    const tracked = await deps.admission.tracked(candidates.map((c) => c.id));
    const lost = candidates.filter((_, i) => !tracked[i]);
    const byWorkspace = new Map<string, typeof lost>();
    for (const item of lost) byWorkspace.set(item.workspaceId, [...(byWorkspace.get(item.workspaceId) ?? []), item]);
    // The limit travels with the items: after a Redis restart Redis knows no limit at all.
    const limits = await findWorkspaceLimits(deps.prisma, [...byWorkspace.keys()]);
    for (const [workspaceId, items] of byWorkspace) {
      lostWorkspaces.add(workspaceId);
      await deps.admission.enqueue(workspaceId, limits.get(workspaceId) ?? null, items.map((i) => ({ itemId: i.id, jobId: i.jobId })));
      repaired += items.length;
    }
    if (candidates.length < PAGE) break;
  }
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
