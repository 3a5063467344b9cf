import type { Db } from "./db-types.ts";

export interface StartedItem {
  id: string;
  jobId: string;
  workspaceId: string;
  url: string;
  attempt: number;
  kind: string;
  params: Record<string, unknown>;
}

/**
 * Marks an item running (attempt + 1) if it and its job are still live; null means the item
 * is already finished or its job ended, so a duplicate or late queue job must do nothing.
 */
export async function startItem(prisma: Db, itemId: string): Promise<StartedItem | null> {
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<
      { id: string; job_id: string; workspace_id: string; url: string; attempt: number; kind: string; params: Record<string, unknown> }[]
    >`
      UPDATE job_items AS i SET status = 'running', attempt = i.attempt + 1, started_at = now()
      FROM jobs AS j
      WHERE i.id = ${itemId}::uuid AND j.id = i.job_id
        AND i.status IN ('queued', 'running') AND j.status IN ('queued', 'running')
      RETURNING i.id, i.job_id, i.workspace_id, i.url, i.attempt, j.kind::text AS kind, j.params`;
    const row = rows[0];
    if (!row) return null;
    await tx.$executeRaw`
      UPDATE jobs SET status = 'running', started_at = COALESCE(started_at, now()), updated_at = now()
      WHERE id = ${row.job_id}::uuid AND status = 'queued'`;
    return {
      id: row.id,
      jobId: row.job_id,
      workspaceId: row.workspace_id,
      url: row.url,
      attempt: row.attempt,
      kind: row.kind,
      params: row.params,
    };
  });
}
