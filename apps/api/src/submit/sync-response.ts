import { ApiError } from "@browserfleet/core";
import { findJob, type Job } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { syncPageAnswer } from "./sync-page-answer.ts";
import type { WaitOutcome } from "../jobs/job-waiter.ts";

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

/** The answer when the job is not done: cancelled (final, 409), this process shutting down (503), or past the cap (504). */
function unfinishedError(deps: ApiDeps, job: Job, outcome: WaitOutcome): ApiError {
  const extra = { job_id: job.id };
  if (job.status === "cancelled") {
    return new ApiError("JOB_TERMINAL", `job ${job.id} was cancelled before its page finished`, { extra });
  }
  if (outcome === "closing") {
    return new ApiError("SERVICE_UNAVAILABLE", "this API process is shutting down; the job goes on, poll job_id for its result", { extra, retryAfter: 1 });
  }
  return new ApiError("UPSTREAM_TIMEOUT", `the page did not finish within ${deps.config.SYNC_TIMEOUT_MS / 1000} s; poll the job`, { extra });
}

/**
 * Waits (up to the sync cap) for a job the worker fleet is rendering, then answers with
 * the page; every other answer carries `job_id`: the page's failure (422/502/504), a cancel
 * (409), this API process shutting down (503, the job goes on) or the cap passing (504).
 */
export async function awaitSyncResult(deps: ApiDeps, job: Job): Promise<Record<string, unknown>> {
  const outcome = await deps.jobWaiter.waitForTerminal(job.id, deps.config.SYNC_TIMEOUT_MS);
  // Read whatever the outcome (a job may finish just as the cap or a shutdown ends the wait); unreadable, the client still gets job_id.
  const done = (await findJob(deps.prisma, job.workspaceId, job.id).catch(() => null)) ?? job;
  if (done.status === "failed") throw failedPageError(done);
  if (done.status !== "completed") throw unfinishedError(deps, done, outcome);
  return syncPageAnswer(deps, done);
}
