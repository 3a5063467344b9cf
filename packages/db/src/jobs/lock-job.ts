import type { Tx } from "../client.ts";

/**
 * The one lock order of every transaction that touches a job and its items (start, complete,
 * discovery, finish, cancel): the job row first, then item rows, then the workspace row (credits).
 * Taking them in another order lets two such transactions wait on each other (SQLSTATE 40P01).
 */
export interface LockedJob {
  id: string;
  workspace_id: string;
  status: string;
  progress_total: number;
}

/** Locks the job of an item (FOR UPDATE); null when the item does not exist. */
export async function lockJobOfItem(tx: Tx, itemId: string): Promise<LockedJob | null> {
  const rows = await tx.$queryRaw<LockedJob[]>`
    SELECT j.id, j.workspace_id, j.status::text AS status, j.progress_total FROM jobs AS j
    WHERE j.id = (SELECT job_id FROM job_items WHERE id = ${itemId}::uuid)
    FOR UPDATE`;
  return rows[0] ?? null;
}

/** Locks a job of a workspace (FOR UPDATE); null when the workspace has no such job. */
export async function lockJob(tx: Tx, workspaceId: string, jobId: string): Promise<LockedJob | null> {
  const rows = await tx.$queryRaw<LockedJob[]>`
    SELECT id, workspace_id, status::text AS status, progress_total FROM jobs
    WHERE id = ${jobId}::uuid AND workspace_id = ${workspaceId}::uuid
    FOR UPDATE`;
  return rows[0] ?? null;
}
