import type { Request, Response } from "express";
import { ApiError, IDEMPOTENT_REPLAY_HEADER } from "@browserfleet/core";
import { findJob, type ReferencedResponse } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { resultsGone } from "../jobs/results-gone.ts";
import { syncPageAnswer } from "../submit/sync-page-answer.ts";
import { JSON_CONTENT_TYPE, jsonSha256, sendJson } from "../results/json-stream.ts";

/** Stores a reference answer on the request's claim (set by the idempotency middleware for keyed requests only). */
export type KeepReference = (ref: ReferencedResponse) => Promise<void>;

const HOOK = "bfKeepIdempotentReference";

export function setKeepReference(res: Response, keep: KeepReference): void {
  res.locals[HOOK] = keep;
}

/**
 * Sends a sync page answer. Under an Idempotency-Key its claim keeps the job id and the sha256 of
 * these exact bytes, stored before the first byte goes out (as a stored answer is), instead of the bytes.
 */
export async function sendReplayableFromJob(res: Response, jobId: string, answer: Record<string, unknown>): Promise<void> {
  const keep = res.locals[HOOK] as KeepReference | undefined;
  if (keep !== undefined) await keep({ status: 200, headers: { "content-type": JSON_CONTENT_TYPE }, jobId, sha256: jsonSha256(answer) });
  await sendJson(res, answer);
}

/**
 * Replays a reference answer: rebuilds it from its job and sends it only if it hashes to the bytes
 * first sent. A job whose results are past their retention (or that no longer rebuilds to those
 * bytes) cannot be replayed: 410, never different bytes marked as a replay.
 */
export async function replayFromJob(deps: Pick<ApiDeps, "prisma" | "blobs" | "config">, req: Request, res: Response, ref: ReferencedResponse): Promise<void> {
  const job = await findJob(deps.prisma, req.auth!.workspaceId, ref.jobId);
  if (job === null || job.status !== "completed" || resultsGone(job, deps.config.RESULT_RETENTION_DAYS)) {
    throw new ApiError("GONE", `the answer stored for this Idempotency-Key came from job ${ref.jobId}, whose results were deleted after the retention period`);
  }
  const answer = await syncPageAnswer(deps, job);
  if (jsonSha256(answer) !== ref.sha256) {
    throw new ApiError("GONE", `the answer stored for this Idempotency-Key (job ${ref.jobId}) can no longer be rebuilt byte for byte; use a new key`);
  }
  for (const [name, value] of Object.entries(ref.headers)) res.setHeader(name, value);
  res.setHeader(IDEMPOTENT_REPLAY_HEADER, "true");
  req.log.info({ status: ref.status, job_id: ref.jobId }, "idempotent replay rebuilt from its job");
  await sendJson(res, answer, ref.status);
}
