import type { Db } from "./db-types.ts";

export interface ReconcileCandidate {
  id: string;
  jobId: string;
  workspaceId: string;
  status: string;
}

/**
 * Items Postgres says are waiting or running for a while; the reconciler checks each against
 * the queue and re-enqueues the ones Redis lost (a Redis restart, a crash before enqueue).
 */
export async function findItemsToReconcile(
  prisma: Db,
  options: { changedBefore: Date; limit: number },
): Promise<ReconcileCandidate[]> {
  const rows = await prisma.jobItem.findMany({
    where: {
      OR: [
        { status: "queued", createdAt: { lt: options.changedBefore } },
        { status: "running", startedAt: { lt: options.changedBefore } },
      ],
    },
    select: { id: true, jobId: true, workspaceId: true, status: true },
    orderBy: { createdAt: "asc" },
    take: options.limit,
  });
  return rows;
}
