import { ApiError } from "@browserfleet/core";
import { loadFirstItemResult, type Job } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { pageView } from "../jobs/job-result.ts";

/**
 * The 200 answer of a sync page call whose job completed: its page, the job and the cost. Built the
 * same way for the first answer and for an idempotent replay, which rebuilds it from the job.
 */
export async function syncPageAnswer(deps: Pick<ApiDeps, "prisma" | "blobs">, done: Job): Promise<Record<string, unknown>> {
  const item = await loadFirstItemResult(deps.prisma, deps.blobs, done.id);
  if (!item) throw new ApiError("INTERNAL_ERROR", "completed job has no result");
  return { ...pageView(done, item), job_id: done.id, cost_credits: done.creditsCharged };
}
