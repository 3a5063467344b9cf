import type { NextFunction, Request, Response } from "express";
import { ApiError, IDEMPOTENCY_KEY_HEADER, hashIdempotentRequest, idempotencyKeyHeader } from "@browserfleet/core";
import { claimIdempotencyKey, completeIdempotencyKey, isReferencedResponse, releaseIdempotencyKey, type IdempotencyRecord, type KeptResponse } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { isTransientAnswer } from "../http/transient-answer.ts";
import { captureResponse } from "./capture-response.ts";
import { idempotencyLeaseMs } from "./idempotency-lease.ts";
import { replayResponse } from "./replay-response.ts";
import { replayFromJob, setKeepReference } from "./replay-from-job.ts";

const NO_BODY = new Uint8Array(0);

function parseKey(raw: string): string {
  const parsed = idempotencyKeyHeader.safeParse(raw);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ path: IDEMPOTENCY_KEY_HEADER, message: issue.message }));
  throw new ApiError("BAD_REQUEST", `${IDEMPOTENCY_KEY_HEADER} header is invalid: ${details.map((d) => d.message).join("; ")}`, { details });
}

/** A 5xx is the server's fault and a 429 says "retry later": neither is the request's answer to keep. */
function isKept(status: number): boolean {
  return status < 500 && status !== 429;
}

async function answerExisting(deps: Pick<ApiDeps, "prisma" | "blobs" | "config">, req: Request, res: Response, existing: IdempotencyRecord, requestHash: string): Promise<void> {
  if (existing.requestHash !== requestHash) {
    throw new ApiError(
      "IDEMPOTENCY_CONFLICT",
      `this ${IDEMPOTENCY_KEY_HEADER} was used with a different request (${existing.method} ${existing.path} with other body bytes); use a new key`,
    );
  }
  if (existing.response === null) {
    throw new ApiError("IDEMPOTENCY_CONFLICT", `a request with this ${IDEMPOTENCY_KEY_HEADER} is still in progress; retry once it has answered`, {
      retryAfter: 1,
    });
  }
  req.log.info({ status: existing.response.status }, "idempotent replay");
  if (isReferencedResponse(existing.response)) await replayFromJob(deps, req, res, existing.response);
  else replayResponse(res, existing.response);
}

/**
 * Idempotency-Key on job-creating POSTs: the first request claims workspace+key before any work,
 * a retry with the same method, target and body bytes gets the stored answer, anything else 409.
 */
export function idempotency(deps: Pick<ApiDeps, "prisma" | "blobs" | "config">) {
  const leaseMs = idempotencyLeaseMs(deps.config);
  const ttlSeconds = deps.config.IDEMPOTENCY_TTL_SECONDS;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const raw = req.get(IDEMPOTENCY_KEY_HEADER);
    if (raw === undefined || req.auth === undefined) {
      next();
      return;
    }
    const key = parseKey(raw);
    const requestHash = hashIdempotentRequest({ method: req.method, target: req.originalUrl, body: req.rawBody ?? NO_BODY });
    const claim = await claimIdempotencyKey(deps.prisma, {
      workspaceId: req.auth.workspaceId,
      key,
      method: req.method,
      path: req.originalUrl,
      requestHash,
      leaseMs,
      ttlSeconds,
    });
    if (!claim.claimed) {
      await answerExisting(deps, req, res, claim.existing, requestHash);
      return;
    }
    const keep = async (captured: KeptResponse): Promise<void> => {
      try {
        if (!isKept(captured.status) || isTransientAnswer(res)) await releaseIdempotencyKey(deps.prisma, claim.token);
        else if (!(await completeIdempotencyKey(deps.prisma, { token: claim.token, response: captured, ttlSeconds }))) {
          req.log.warn("idempotency claim was taken over before this answer was stored; the later request's answer counts");
        }
      } catch (err) {
        req.log.warn({ err }, "could not record the idempotent answer; the key frees itself when its lease ends");
      }
    };
    const capture = captureResponse(res, keep);
    // A sync page answer is kept as a reference to its job: its bytes then go out uncaptured.
    setKeepReference(res, async (ref) => {
      capture.release();
      await keep(ref);
    });
    next();
  };
}
