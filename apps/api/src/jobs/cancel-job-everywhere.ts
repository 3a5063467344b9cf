import { ApiError } from "@browserfleet/core";
import { cancelJob, type Job } from "@browserfleet/db";
import { announceJobCancelled, announceJobFinished } from "@browserfleet/queue";
import type { ApiDeps } from "../deps.ts";
import { endCancelledTaskBurner } from "../tasks/end-cancelled-task-burner.ts";

/**
 * Cancels in Postgres (the truth: from then on no item of the job starts or is charged), then
 * tells Redis: its waiting items leave the queue, workers stop its running pages, and
 * long-polls wake; a task's burner that has not started is ended. Redis trouble after the commit only costs speed: workers skip items of a
 * cancelled job, and a running page's result is ignored.
 */
export async function cancelJobEverywhere(deps: ApiDeps, workspaceId: string, jobId: string): Promise<Job> {
  const cancelled = await cancelJob(deps.prisma, workspaceId, jobId);
  if (!cancelled) throw new ApiError("NOT_FOUND", `job ${jobId} not found`);
  const prefix = deps.config.QUEUE_PREFIX;
  const tell = async (what: string, action: () => Promise<unknown>): Promise<void> => {
    await action().catch((err: unknown) => deps.logger.warn({ err, job_id: jobId }, `after cancel: could not ${what}`));
  };
  await Promise.all([
    tell("drop its waiting items", () => deps.admission.purgeJob(workspaceId, jobId)),
    tell("stop its running pages", () => announceJobCancelled(deps.redis, prefix, jobId)),
    tell("wake its waiters", () => announceJobFinished(deps.redis, prefix, jobId)),
    tell("end its task's burner", () => endCancelledTaskBurner(deps, cancelled.job)),
  ]);
  return cancelled.job;
}
