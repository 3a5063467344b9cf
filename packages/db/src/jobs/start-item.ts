import { runTransaction } from "../transactions/run-transaction.ts";
import type { Db } from "../client.ts";
import { lockJobOfItem } from "./lock-job.ts";

export interface StartedItem {
  id: string;
  jobId: string;
  workspaceId: string;
  seq: number;
  url: string;
  depth: number;
  attempt: number;
  kind: string;
  params: Record<string, unknown>;
  /** A crawl's robots.txt once its first page fetched it ("" = none); null before. */
  crawlRobotsTxt: string | null;
  /** The workspace's page concurrency now, for the pages a crawl discovers. */
  maxConcurrency: number;
}

interface StartedRow {
  id: string;
  job_id: string;
  workspace_id: string;
  seq: number;
  url: string;
  depth: number;
  attempt: number;
  kind: string;
  params: Record<string, unknown>;
  crawl_robots_txt: string | null;
  max_concurrency: number;
}

/**
 * Marks an item running (attempt + 1) if it and its job are still live; null means the item
 * is already finished or its job ended, so a duplicate or late queue job must do nothing.
 * Lock order (lock-job.ts): a queued job's first starts turn it running, so they lock the job row
 * before the item; a running job's starts lock only their item (no wait behind completions).
 */
export async function startItem(prisma: Db, itemId: string): Promise<StartedItem | null> {
  return runTransaction(prisma, async (tx) => {
    const seen = await tx.$queryRaw<{ status: string }[]>`
      SELECT j.status::text AS status FROM jobs AS j JOIN job_items AS i ON i.job_id = j.id WHERE i.id = ${itemId}::uuid`;
    const jobStatus = seen[0]?.status;
    if (jobStatus !== "queued" && jobStatus !== "running") return null;
    if (jobStatus === "queued") await lockJobOfItem(tx, itemId);
    const rows = await tx.$queryRaw<StartedRow[]>`
      UPDATE job_items AS i SET status = 'running', attempt = i.attempt + 1, started_at = now()
      FROM jobs AS j, workspaces AS w
      WHERE i.id = ${itemId}::uuid AND j.id = i.job_id AND w.id = i.workspace_id
        AND i.status IN ('queued', 'running') AND j.status IN ('queued', 'running')
      RETURNING i.id, i.job_id, i.workspace_id, i.seq, i.url, i.depth, i.attempt, j.kind::text AS kind, j.params, j.crawl_robots_txt, w.max_concurrency`;
    const row = rows[0];
    if (!row) return null;
    if (jobStatus === "queued") {
      await tx.$executeRaw`
        UPDATE jobs SET status = 'running', started_at = COALESCE(started_at, now()), updated_at = now()
        WHERE id = ${row.job_id}::uuid AND status = 'queued'`;
    }
    return {
      id: row.id,
      jobId: row.job_id,
      workspaceId: row.workspace_id,
      seq: row.seq,
      url: row.url,
      depth: row.depth,
      attempt: row.attempt,
      kind: row.kind,
      params: row.params,
      crawlRobotsTxt: row.crawl_robots_txt,
      maxConcurrency: row.max_concurrency,
    };
  });
}
