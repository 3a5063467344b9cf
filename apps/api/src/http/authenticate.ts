import type { NextFunction, Request, Response } from "express";
import { ApiError, hashApiKey, isWellFormedApiKey } from "@browserfleet/core";
import { findApiKeyAndJobHot, findApiKeyByHashHot, type DriverPool } from "@browserfleet/db";
import type { KeyUsageRecorder } from "../keys/key-usage-recorder.ts";

declare module "express-serve-static-core" {
  interface Request {
    /** The workspace's rate limits, read together with the key so a change applies from the next request. */
    rateLimits?: { requestsPerMinute: number; submissionsPerSecond: number };
  }
}

function presentedKey(req: Request): string | undefined {
  const header = req.get("x-api-key");
  if (header !== undefined) return header.trim();
  const authorization = req.get("authorization");
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return match?.[1]?.trim() ?? authorization.trim();
}

/**
 * X-API-Key or Bearer; only sha256(key) is looked up. Missing → UNAUTHORIZED, anything else wrong → INVALID_API_KEY.
 * No auth cache: one indexed lookup per request keeps a revocation effective on every replica at the next request
 * (through the driver, not Prisma: it runs on every request). A request `prefetch` names a job id for
 * (a polled job read) has that job read in the same statement and left on req.prefetchedJob.
 */
export function authenticate(driver: DriverPool, keyUsage: KeyUsageRecorder, prefetch: (req: Request) => string | undefined = () => undefined) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const key = presentedKey(req);
    if (key === undefined || key === "") {
      throw new ApiError("UNAUTHORIZED", "missing API key: send X-API-Key or Authorization: Bearer <key>");
    }
    if (!isWellFormedApiKey(key)) throw new ApiError("INVALID_API_KEY", "API key is malformed (expected agt_live_ followed by 32 hex characters)");
    const keyHash = hashApiKey(key);
    const jobId = prefetch(req);
    const read = jobId === undefined ? { key: await findApiKeyByHashHot(driver, keyHash), job: null } : await findApiKeyAndJobHot(driver, keyHash, jobId);
    const found = read.key;
    if (!found || found.revokedAt !== null) throw new ApiError("INVALID_API_KEY", "API key is unknown or revoked");
    // Kept only past the check above: the job of a revoked key's workspace is never looked at.
    if (jobId !== undefined) req.prefetchedJob = { id: jobId, job: read.job };
    req.auth = { workspaceId: found.workspaceId, keyId: found.id, maxConcurrency: found.maxConcurrency };
    req.rateLimits = { requestsPerMinute: found.requestsPerMinute, submissionsPerSecond: found.submissionsPerSecond };
    req.log = req.log.child({ workspace_id: found.workspaceId });
    keyUsage.note(found.id);
    next();
  };
}
