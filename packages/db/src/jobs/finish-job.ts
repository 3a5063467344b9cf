import { isSinglePageKind, toResultItem, type WebhookEvent } from "@browserfleet/core";
import { moveCredits } from "../credits/move-credits.ts";
import type { Tx } from "../client.ts";
import type { JobRow } from "../hot-paths/job-row.ts";
import { writeOutboxEvent } from "../webhooks/write-outbox-event.ts";

type FinishedCounters = Pick<
  JobRow,
  "id" | "workspace_id" | "kind" | "sync" | "progress_done" | "progress_failed" | "progress_total" | "credits_reserved" | "credits_charged"
>;

/**
 * Called inside the transaction that finished the job's last item: marks the job terminal,
 * releases the unspent reservation to the balance, and writes the outbox event.
 */
export async function finishJob(tx: Tx, job: FinishedCounters): Promise<void> {
  const single = isSinglePageKind(job.kind);
  const failedItem = single && job.progress_failed > 0
    ? await tx.jobItem.findFirst({ where: { jobId: job.id }, orderBy: { seq: "asc" } })
    : null;
  const status = failedItem ? "failed" : "completed";
  const errorCode = failedItem?.errorCode ?? null;
  const errorMessage = failedItem?.errorMessage ?? null;
  const updated = await tx.$executeRaw`
    UPDATE jobs SET status = ${status}::"JobStatus", completed_at = now(), updated_at = now(),
      error_code = ${errorCode}, error_message = ${errorMessage}
    WHERE id = ${job.id}::uuid AND status IN ('queued', 'running')`;
  if (updated === 0) return;

  const release = job.credits_reserved - job.credits_charged;
  if (release > 0) await moveCredits(tx, { workspaceId: job.workspace_id, delta: release, reason: "job_release", jobId: job.id });
  if (job.sync) return;
  await writeOutboxEvent(tx, { workspaceId: job.workspace_id, ...(await eventFor(tx, job, status, errorCode, errorMessage)) });
}

async function eventFor(
  tx: Tx,
  job: FinishedCounters,
  status: string,
  errorCode: string | null,
  errorMessage: string | null,
): Promise<WebhookEvent> {
  if (status === "failed") {
    return { type: "job.failed", data: { job_id: job.id, kind: job.kind, error_code: errorCode, error_message: errorMessage } };
  }
  const resultUrl = `/v1/jobs/${job.id}/results`;
  let result: Record<string, unknown>;
  if (isSinglePageKind(job.kind)) {
    const item = await tx.jobItem.findFirstOrThrow({ where: { jobId: job.id }, orderBy: { seq: "asc" } });
    result = { ...toResultItem(item), result_url: resultUrl };
  } else {
    result = { succeeded: job.progress_done - job.progress_failed, failed: job.progress_failed, result_url: resultUrl };
  }
  return {
    type: "job.completed",
    data: {
      job_id: job.id,
      kind: job.kind,
      progress_done: job.progress_done,
      progress_total: job.progress_total,
      credits_charged: job.credits_charged,
      result,
    },
  };
}
