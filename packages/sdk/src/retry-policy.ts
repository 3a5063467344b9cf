/** How the client retries: 429, 503 and answers that never came, with jittered exponential backoff. */
export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 turns retrying off). */
  maxRetries: number;
  /** First backoff in ms, doubled each retry, full jitter (default 500). */
  baseDelayMs: number;
  /** Longest wait between attempts; a Retry-After asking for more ends the retries (default 30 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Statuses worth another attempt: the server said so (429 with Retry-After, 503 while it is unavailable). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503;
}

/** Retry-After as seconds or an HTTP date, in seconds; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, (at - now) / 1000);
}

/** The wait before retry number `retry` (1-based): at least Retry-After, else jittered backoff; null when it would exceed the cap. */
export function retryDelayMs(options: RetryOptions, retry: number, retryAfterSeconds: number | null, random: () => number = Math.random): number | null {
  const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1)) * (0.5 + random() / 2);
  const wait = retryAfterSeconds === null ? backoff : Math.max(retryAfterSeconds * 1000, backoff / 4);
  return wait > options.maxDelayMs ? null : Math.ceil(wait);
}
