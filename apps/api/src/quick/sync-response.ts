import { ApiError } from "@browserfleet/core";
import { findItemResults, findJob, type Job } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { pageResult } from "../jobs/job-result.ts";

/** Maps a failed page to the sync call's HTTP answer; the job id lets the client look closer. */
function failedPageError(job: Job): ApiError {
  const extra = { job_id: job.id };
  const detail = job.errorMessage ?? "the page could not be loaded";
  switch (job.errorCode) {
    case "TIMEOUT":
      return new ApiError("UPSTREAM_TIMEOUT", `page timed out: ${detail}`, { extra });
    case "URL_NOT_ALLOWED":
      return new ApiError("URL_NOT_ALLOWED", `page was refused: ${detail}`, { extra });
    default:
      return new ApiError("UPSTREAM_UNAVAILABLE", `page could not be loaded: ${detail}`, { extra });
  }
}

/**
 * Waits (up to the sync cap) for a job the worker fleet is rendering, then answers with
 * the page; past the cap, 504 with `job_id` so the client can poll the job instead.
 */
export async function awaitSyncResult(deps: ApiDeps, job: Job): Promise<Record<string, unknown>> {
  const finished = await deps.jobWaiter.waitForTerminal(job.id, deps.config.SYNC_TIMEOUT_MS);
  const done = finished ? await findJob(deps.prisma, job.workspaceId, job.id) : null;
  if (!done || (done.status !== "completed" && done.status !== "failed")) {
    throw new ApiError("UPSTREAM_TIMEOUT", `the page did not finish within ${deps.config.SYNC_TIMEOUT_MS / 1000} s; poll the job`, {
      extra: { job_id: job.id },
    });
  }
  if (done.status === "failed") throw failedPageError(done);
  const [item] = await findItemResults(deps.prisma, done.id, { limit: 1 });
  if (!item) throw new ApiError("INTERNAL_ERROR", "completed job has no result");
  return { ...pageResult(done, item), job_id: done.id, cost_credits: done.creditsCharged };
}
