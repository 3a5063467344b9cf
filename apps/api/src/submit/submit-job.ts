import { ApiError, type JobParams } from "@browserfleet/core";
import { createJobHot, withdrawUnstartedJob, type CreateJobInput, type Job } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";

export interface SubmitJobInput extends Omit<CreateJobInput, "params"> {
  /** The job's params as the worker parses them (packages/core job-params.ts). */
  params: JobParams;
  /** The workspace's page concurrency, handed to the admission controller. */
  maxConcurrency: number;
}

/**
 * One transaction (reservation + job + items), then the items go to the workspace's queue in
 * Redis (sync calls in their own lane, ahead of the workspace's batches). If Redis fails after
 * the commit, an async job is safe in Postgres and the reconciler enqueues it, so the client
 * still gets its 202; a sync job is withdrawn and the client gets a 503 with nothing left behind.
 */
export async function submitJob(deps: ApiDeps, input: SubmitJobInput): Promise<Job> {
  const { maxConcurrency, ...create } = input;
  const { job, itemIds } = await createJobHot(deps.driver, create);
  const log = deps.logger.child({ job_id: job.id, workspace_id: job.workspaceId });
  try {
    await deps.admission.enqueue(job.workspaceId, maxConcurrency, itemIds.map((itemId) => ({ itemId, jobId: job.id })), { lane: input.sync ? "sync" : "bulk" });
  } catch (err) {
    if (!input.sync) {
      log.warn({ err }, "enqueue failed after commit; the reconciler will enqueue it");
      return job;
    }
    await withdrawSyncJob(deps, job, err, log);
  }
  return job;
}

/** A sync client would wait on a job no worker can get yet: take it back and say 503, unless it has started meanwhile. */
async function withdrawSyncJob(deps: ApiDeps, job: Job, cause: unknown, log: ApiDeps["logger"]): Promise<void> {
  const withdrawn = await withdrawUnstartedJob(deps.prisma, job.workspaceId, job.id).catch((err: unknown) => {
    log.warn({ err }, "could not withdraw the sync job; waiting for it as usual (the reconciler enqueues it)");
    return null;
  });
  if (withdrawn === null) return;
  if (!withdrawn) {
    log.warn({ err: cause }, "enqueue failed but the sync job has already started; waiting for it");
    return;
  }
  log.warn({ err: cause }, "enqueue failed: sync job withdrawn, answering 503");
  throw new ApiError("SERVICE_UNAVAILABLE", "the job queue (Redis) is unreachable; nothing was created or charged, retry shortly", { retryAfter: 5 });
}
