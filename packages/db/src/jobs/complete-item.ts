import type { Tx, Db } from "../client.ts";
import { runTransaction } from "../transactions/run-transaction.ts";
import { addDiscoveredItems, type DiscoveredUrl, type NewItem } from "./add-discovered-items.ts";
import { finishJob } from "./finish-job.ts";
import { prepareItemPayload, type PreparedPayload } from "./item-payload.ts";
import { PostgresBlobStore } from "../blobs/postgres-blob-store.ts";
import { lockJobOfItem } from "./lock-job.ts";
import type { PageOutcome } from "./page-outcome.ts";

export interface CompleteItemInput {
  itemId: string;
  outcome: PageOutcome;
  price: number;
  /** A crawl page's links to follow, already scoped, filtered and normalized; depth is applied here. */
  discovered?: { urls: DiscoveredUrl[]; limit: number; maxDepth: number };
  /** A crawl's robots.txt, recorded by its first page. */
  robotsTxt?: string;
  /** The outcome's content in the worker's blob store (prepareItemPayload); without it, content goes to the Postgres store. */
  payload?: PreparedPayload | null;
}

export interface CompleteItemResult {
  /** False when the item was already finished or cancelled: nothing was written. */
  applied: boolean;
  jobFinished: boolean;
  jobId: string | null;
  /** Items this page added to its crawl; the caller enqueues them. */
  newItems: NewItem[];
}

const NOTHING: CompleteItemResult = { applied: false, jobFinished: false, jobId: null, newItems: [] };

/**
 * Records one item's outcome, adds what a crawl page discovered, bumps the job's progress,
 * charges the item if it succeeded and finishes the job if it was the last: one transaction
 * that locks the job row first (lock-job.ts: so a cancel cannot interleave) and is guarded by
 * the item's status, so a retried or duplicated page job can never count twice.
 */
export async function completeItem(prisma: Db, input: CompleteItemInput): Promise<CompleteItemResult> {
  return runTransaction(prisma, async (tx) => {
    const job = await lockJobOfItem(tx, input.itemId);
    if (!job || !["queued", "running"].includes(job.status) || !(await recordOutcome(tx, input, job.id))) return NOTHING;

    const { discovered } = input;
    const newItems = discovered
      ? await addDiscoveredItems(tx, { id: job.id, workspaceId: job.workspace_id, progressTotal: job.progress_total }, input.itemId, discovered.urls, discovered)
      : [];
    if (input.robotsTxt !== undefined) {
      await tx.$executeRaw`UPDATE jobs SET crawl_robots_txt = ${input.robotsTxt} WHERE id = ${job.id}::uuid`;
    }
    const charge = input.outcome.ok ? input.price : 0;
    const jobs = await tx.$queryRaw<Parameters<typeof finishJob>[1][]>`
      UPDATE jobs SET progress_done = progress_done + 1, progress_failed = progress_failed + ${input.outcome.ok ? 0 : 1},
        credits_charged = credits_charged + ${charge}, updated_at = now()
      WHERE id = ${job.id}::uuid
      RETURNING id, workspace_id, kind::text AS kind, sync, progress_done, progress_failed, progress_total, credits_reserved, credits_charged`;
    const counters = jobs[0];
    if (!counters || counters.progress_done < counters.progress_total) return { applied: true, jobFinished: false, jobId: job.id, newItems };
    await finishJob(tx, counters);
    return { applied: true, jobFinished: true, jobId: job.id, newItems };
  });
}

/** The item's row and payload; false when the item is no longer running (duplicate or cancelled). */
async function recordOutcome(tx: Tx, input: CompleteItemInput, jobId: string): Promise<boolean> {
  const { itemId, outcome } = input;
  const status = outcome.ok ? "completed" : "failed";
  const updated = await tx.$executeRaw`
    UPDATE job_items SET status = ${status}::"ItemStatus", completed_at = now(),
      final_url = ${outcome.finalUrl ?? null},
      http_status = ${outcome.ok ? outcome.httpStatus : null},
      title = ${outcome.ok ? outcome.title : null},
      duration_ms = ${Math.round(outcome.durationMs)},
      error_code = ${outcome.ok ? null : outcome.errorCode},
      error_message = ${outcome.ok ? null : outcome.errorMessage},
      truncated = ${outcome.ok ? (outcome.truncated ?? []) : []}::text[]
    WHERE id = ${itemId}::uuid AND status = 'running'`;
  if (updated === 0) return false;
  // Only the run that won the guard above points the item at its payload.
  const payload = input.payload !== undefined ? input.payload : await prepareItemPayload(new PostgresBlobStore(tx), { jobId, itemId }, outcome);
  if (payload !== null) {
    await payload.writeInTransaction?.(tx);
    await tx.jobItemPayload.create({ data: { itemId, blobStore: payload.store, blobKey: payload.key, sizeBytes: payload.sizeBytes } });
  }
  return true;
}
