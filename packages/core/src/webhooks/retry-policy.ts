/** Waits after attempt 1, 2, … fails (api.md): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; then give up. */
export const WEBHOOK_RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as const;
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_MS.length + 1;
/** A receiver's Retry-After is honoured up to this long; beyond it the schedule would be hostage to the receiver. */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * When the attempt after `attempt` (1-based) is due, or null when it was the last one.
 * The schedule is scaled (tests use a small factor); a Retry-After is a floor and is not scaled.
 */
export function nextAttemptDelayMs(attempt: number, scale: number, retryAfterMs: number | null): number | null {
  const base = WEBHOOK_RETRY_DELAYS_MS[attempt - 1];
  if (base === undefined) return null;
  const scaled = Math.round(base * scale);
  return retryAfterMs === null ? scaled : Math.max(scaled, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** `Retry-After` as seconds or an HTTP date, in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
