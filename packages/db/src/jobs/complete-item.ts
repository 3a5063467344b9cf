import type { Db } from "./db-types.ts";
import { finishJob } from "./finish-job.ts";
import type { PageOutcome } from "./page-outcome.ts";

export interface CompleteItemResult {
  /** False when the item was already finished: a duplicate delivery, nothing was written. */
  applied: boolean;
  jobFinished: boolean;
  jobId: string | null;
}

/**
 * Records one item's outcome, bumps the job's progress, charges the item if it succeeded
 * and finishes the job if it was the last: one transaction guarded by the item's status,
 * so a retried or duplicated page job can never count twice.
 */
export async function completeItem(prisma: Db, input: { itemId: string; outcome: PageOutcome; price: number }): Promise<CompleteItemResult> {
  const { itemId, outcome } = input;
  return prisma.$transaction(async (tx) => {
    const status = outcome.ok ? "completed" : "failed";
    const rows = await tx.$queryRaw<{ job_id: string }[]>`
      UPDATE job_items SET status = ${status}::"ItemStatus", completed_at = now(),
        final_url = ${outcome.finalUrl ?? null},
        http_status = ${outcome.ok ? outcome.httpStatus : null},
        title = ${outcome.ok ? outcome.title : null},
        duration_ms = ${Math.round(outcome.durationMs)},
        error_code = ${outcome.ok ? null : outcome.errorCode},
        error_message = ${outcome.ok ? null : outcome.errorMessage}
      WHERE id = ${itemId}::uuid AND status = 'running'
      RETURNING job_id`;
    const jobId = rows[0]?.job_id;
    if (!jobId) return { applied: false, jobFinished: false, jobId: null };

    if (outcome.ok && (outcome.html !== undefined || outcome.text !== undefined || outcome.links !== undefined || outcome.screenshotPng)) {
      await tx.jobItemPayload.create({
        data: {
          itemId,
          html: outcome.html ?? null,
          text: outcome.text ?? null,
          ...(outcome.links !== undefined ? { links: outcome.links } : {}),
          screenshot: outcome.screenshotPng ? new Uint8Array(outcome.screenshotPng) : null,
        },
      });
    }
    const charge = outcome.ok ? input.price : 0;
    const jobs = await tx.$queryRaw<Parameters<typeof finishJob>[1][]>`
      UPDATE jobs SET progress_done = progress_done + 1, progress_failed = progress_failed + ${outcome.ok ? 0 : 1},
        credits_charged = credits_charged + ${charge}, updated_at = now()
      WHERE id = ${jobId}::uuid
      RETURNING id, workspace_id, kind::text AS kind, sync, progress_done, progress_failed, progress_total, credits_reserved, credits_charged`;
    const job = jobs[0];
    if (!job || job.progress_done < job.progress_total) return { applied: true, jobFinished: false, jobId };
    await finishJob(tx, job);
    return { applied: true, jobFinished: true, jobId };
  });
}
