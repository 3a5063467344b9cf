import type { Response } from "express";
import { RATE_LIMIT_HEADERS } from "@browserfleet/core";
import type { RateLimitVerdict } from "./rate-limiter.ts";

/** X-RateLimit-Limit / -Remaining / -Reset (integer seconds from now) for one verdict. */
export function setRateLimitHeaders(res: Response, verdict: RateLimitVerdict): void {
  res.setHeader(RATE_LIMIT_HEADERS.limit, String(verdict.limit));
  res.setHeader(RATE_LIMIT_HEADERS.remaining, String(verdict.remaining));
  res.setHeader(RATE_LIMIT_HEADERS.reset, String(verdict.resetSeconds));
}
