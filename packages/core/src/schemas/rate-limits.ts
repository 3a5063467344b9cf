/** Headers on every authenticated answer; Reset and Retry-After are integer seconds from now. */
export const RATE_LIMIT_HEADERS = {
  limit: "X-RateLimit-Limit",
  remaining: "X-RateLimit-Remaining",
  reset: "X-RateLimit-Reset",
  retryAfter: "Retry-After",
} as const;

/** Requests per minute per API key, and job submissions per second per workspace (workspace columns). */
export const DEFAULT_REQUESTS_PER_MINUTE = 600;
export const DEFAULT_SUBMISSIONS_PER_SECOND = 30;
export const RATE_LIMIT_BOUNDS = {
  requestsPerMinute: { min: 1, max: 1_000_000 },
  submissionsPerSecond: { min: 1, max: 100_000 },
} as const;
