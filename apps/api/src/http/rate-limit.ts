import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { ApiError } from "@browserfleet/core";
import { setRateLimitHeaders } from "./rate-limit-headers.ts";
import type { RateLimiter, RateLimitVerdict } from "./rate-limiter.ts";

export interface RateLimits {
  /** Requests per minute, counted per API key. */
  requests: RateLimiter;
  /** Job submissions per second, counted per workspace. */
  submissions: RateLimiter;
}

// POSTs that create jobs; /tasks and /auto join them when those endpoints land.
const SUBMISSION_PATH = /^\/(quick\/[^/]+|tasks|auto)\/?$/;
const WARN_EVERY_MS = 10_000;

function tooManyRequests(verdict: RateLimitVerdict, what: string): ApiError {
  return new ApiError("TOO_MANY_REQUESTS", `rate limit of ${verdict.limit} ${what} reached; retry in ${verdict.resetSeconds} s`, {
    retryAfter: verdict.resetSeconds,
  });
}

/**
 * After authentication: every request counts against its key's requests/min, job submissions
 * also against the workspace's submissions/s. Headers describe the per-key limit, or on a
 * submission 429 the submission limit that refused it.
 */
export function rateLimit(limits: RateLimits, logger: Logger) {
  let lastWarning = 0;
  // Fail open: a Redis outage must not take down reads served from Postgres; we warn and send no headers.
  const orFailOpen = async (consume: Promise<RateLimitVerdict | null>): Promise<RateLimitVerdict | null> => {
    try {
      return await consume;
    } catch (err) {
      if (Date.now() - lastWarning > WARN_EVERY_MS) {
        lastWarning = Date.now();
        logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "rate limiter unavailable (Redis): requests pass unlimited");
      }
      return null;
    }
  };

  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const auth = req.auth!;
    const settings = req.rateLimits!;
    const perKey = await orFailOpen(limits.requests.consume(auth.keyId, settings.requestsPerMinute));
    if (perKey) {
      setRateLimitHeaders(res, perKey);
      if (!perKey.allowed) throw tooManyRequests(perKey, "requests per minute for this API key");
    }
    if (req.method === "POST" && SUBMISSION_PATH.test(req.path)) {
      const perWorkspace = await orFailOpen(limits.submissions.consume(auth.workspaceId, settings.submissionsPerSecond));
      if (perWorkspace && !perWorkspace.allowed) {
        setRateLimitHeaders(res, perWorkspace);
        throw tooManyRequests(perWorkspace, "job submissions per second for this workspace");
      }
    }
    next();
  };
}
