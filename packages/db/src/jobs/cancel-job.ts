import { ApiError } from "@browserfleet/core";
import type { Job, Db } from "../client.ts";
import { moveCredits } from "../credits/move-credits.ts";
import { runTransaction } from "../transactions/run-transaction.ts";
import { lockJob } from "./lock-job.ts";
import { writeOutboxEvent } from "../webhooks/write-outbox-event.ts";

export interface CancelledJob {
  job: Job;
  /** Items that were queued or running and are now cancelled. */
  cancelledItems: number;
}

/**
 * Cancels a live job in one transaction that locks the job row first (a worker completing an
 * item locks it too, so the two never interleave): queued and running items become cancelled
 * (a late result for them is then ignored and never charged), the unspent reservation goes
 * back to the balance, and async jobs get a job.cancelled outbox event. A finished job → 409.
 */
export async function cancelJob(prisma: Db, workspaceId: string, jobId: string): Promise<CancelledJob | null> {
  return runTransaction(prisma, async (tx) => {
    const current = await lockJob(tx, workspaceId, jobId);
    if (!current) return null;
    if (!["queued", "running", "input_required"].includes(current.status)) {
      throw new ApiError("JOB_TERMINAL", `job ${jobId} is already ${current.status}`);
    }
    const cancelledItems = await tx.$executeRaw`
      UPDATE job_items SET status = 'cancelled', completed_at = now(), error_code = 'CANCELLED', error_message = 'the job was cancelled'
      WHERE job_id = ${jobId}::uuid AND status IN ('queued', 'running')`;
    const job = await tx.job.update({
      where: { id: jobId },
      data: { status: "cancelled", completedAt: new Date(), errorCode: "CANCELLED", errorMessage: "cancelled by the client" },
    });
    const release = job.creditsReserved - job.creditsCharged;
    if (release > 0) await moveCredits(tx, { workspaceId, delta: release, reason: "job_release", jobId });
    if (!job.sync) {
      await writeOutboxEvent(tx, {
        workspaceId,
        type: "job.cancelled",
        data: {
          job_id: job.id,
          kind: job.kind,
          progress_done: job.progressDone,
          progress_total: job.progressTotal,
          credits_charged: job.creditsCharged,
        },
      });
    }
    return { job, cancelledItems };
  });
}
