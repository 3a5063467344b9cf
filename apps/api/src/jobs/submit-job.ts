import { createJob, type CreateJobInput, type Job } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";

export interface SubmitJobInput extends CreateJobInput {
  /** The workspace's page concurrency, handed to the admission controller. */
  maxConcurrency: number;
}

/**
 * One transaction (reservation + job + items), then the items go to the workspace's queue in
 * Redis. If Redis fails after the commit the job is safe in Postgres and the reconciler
 * enqueues its items, so the client still gets its 202.
 */
export async function submitJob(deps: ApiDeps, input: SubmitJobInput): Promise<Job> {
  const { maxConcurrency, ...create } = input;
  const { job, items } = await createJob(deps.prisma, create);
  try {
    await deps.admission.enqueue(job.workspaceId, maxConcurrency, items.map((i) => ({ itemId: i.id, jobId: job.id })));
  } catch (err) {
    deps.logger.warn({ err, job_id: job.id, workspace_id: job.workspaceId }, "enqueue failed after commit; the reconciler will enqueue it");
  }
  return job;
}
