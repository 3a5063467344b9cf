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
  /** Agent creates per minute, counted per workspace (AGENT_CREATES_PER_MINUTE). */
  agentCreates: RateLimiter;
}

const WARN_EVERY_MS = 10_000;

function tooManyRequests(verdict: RateLimitVerdict, what: string): ApiError {
  return new ApiError("TOO_MANY_REQUESTS", `rate limit of ${verdict.limit} ${what} reached; retry in ${verdict.resetSeconds} s`, {
    retryAfter: verdict.resetSeconds,
  });
}

/** Fail open: a Redis outage must not take down reads served from Postgres; we warn (now and then) and send no headers. */
function failOpen(logger: Logger): (consume: Promise<RateLimitVerdict | null>) => Promise<RateLimitVerdict | null> {
  let lastWarning = 0;
  return async (consume) => {
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
}

/** After authentication: every request counts against its key's requests/min; the headers describe that limit. */
export function rateLimit(limits: RateLimits, logger: Logger) {
  const orFailOpen = failOpen(logger);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const perKey = await orFailOpen(limits.requests.consume(req.auth!.keyId, req.rateLimits!.requestsPerMinute));
    if (perKey) {
      setRateLimitHeaders(res, perKey);
      if (!perKey.allowed) throw tooManyRequests(perKey, "requests per minute for this API key");
    }
    next();
  };
}

/**
 * On each job-creating route, registered on the router that serves it (so no other spelling of
 * the path can skip it): the submission counts against the workspace's submissions/s, and a 429
 * carries headers describing that limit.
 */
export function submissionLimit(limits: RateLimits, logger: Logger) {
  const orFailOpen = failOpen(logger);
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const perWorkspace = await orFailOpen(limits.submissions.consume(req.auth!.workspaceId, req.rateLimits!.submissionsPerSecond));
    if (perWorkspace && !perWorkspace.allowed) {
      setRateLimitHeaders(res, perWorkspace);
      throw tooManyRequests(perWorkspace, "job submissions per second for this workspace");
    }
    next();
  };
}
