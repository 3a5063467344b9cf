import type { Db } from "../client.ts";

export interface ReconcileCandidate {
  id: string;
  jobId: string;
  workspaceId: string;
  status: string;
  /** An item of a sync call: it goes back to its workspace's sync lane. */
  sync: boolean;
}

/**
 * Items Postgres says are waiting or running, unchanged for a while, in id order from `afterId`
 * (a keyset, so a pass can walk every one however many wait); the reconciler checks each
 * against Redis and re-enqueues those Redis lost (a Redis restart, a crash before enqueue).
 */
export async function findItemsToReconcile(
  prisma: Db,
  options: { changedBefore: Date; limit: number; afterId?: string },
): Promise<ReconcileCandidate[]> {
  const rows = await prisma.jobItem.findMany({
    where: {
      ...(options.afterId ? { id: { gt: options.afterId } } : {}),
      job: { status: { in: ["queued", "running"] } },
      OR: [
        { status: "queued", createdAt: { lt: options.changedBefore } },
        { status: "running", startedAt: { lt: options.changedBefore } },
      ],
    },
    select: { id: true, jobId: true, workspaceId: true, status: true, job: { select: { sync: true } } },
    orderBy: { id: "asc" },
    take: options.limit,
  });
  return rows.map(({ job, ...item }) => ({ ...item, sync: job.sync }));
}

/** max_concurrency of these workspaces, to refresh the admission controller's copy. */
export async function findWorkspaceLimits(prisma: Db, workspaceIds: string[]): Promise<Map<string, number>> {
  if (workspaceIds.length === 0) return new Map();
  const rows = await prisma.workspace.findMany({ where: { id: { in: workspaceIds } }, select: { id: true, maxConcurrency: true } });
  return new Map(rows.map((r) => [r.id, r.maxConcurrency]));
}
