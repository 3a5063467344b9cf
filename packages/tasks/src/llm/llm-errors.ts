/** Why a model call failed, in the contract's failure codes (api.md "AI tasks"). */
export type LlmFailureCode = "INVALID_API_KEY" | "RATE_LIMIT" | "LLM_ERROR";

/**
 * A provider call that failed for good (after the retries that apply): 401/403 are a bad key,
 * a 429 that outlasted its retries is RATE_LIMIT, anything else LLM_ERROR with the provider's own
 * message (never the key: the SDKs do not put it in messages, and the message is bounded).
 */
export class LlmError extends Error {
  readonly code: LlmFailureCode;
  readonly status: number | null;
  /** How many attempts were made before giving up. */
  readonly attempts: number;

  constructor(code: LlmFailureCode, message: string, options: { status?: number | null; attempts?: number } = {}) {
    super(message.length > 500 ? `${message.slice(0, 500)}…` : message);
    this.name = "LlmError";
    this.code = code;
    this.status = options.status ?? null;
    this.attempts = options.attempts ?? 1;
  }
}

/** What the retry loop needs to know of one failed attempt. */
export interface AttemptFailure {
  status: number | null;
  message: string;
  /** Milliseconds the provider asked to wait (Retry-After / retry-after-ms), if it said. */
  retryAfterMs: number | null;
  /** The call was aborted by us (cancel, wallclock): never retried, never an LlmError. */
  aborted: boolean;
}

/** An attempt failed by something other than the SDK's own error classes (a network error, our own abort). */
export function describeOtherFailure(err: unknown): AttemptFailure {
  const name = err instanceof Error ? err.name : "";
  return { status: null, message: err instanceof Error ? err.message : String(err), retryAfterMs: null, aborted: name === "AbortError" };
}

/** The SDK's abort error (the signal fired): never retried. */
export const ABORTED_ATTEMPT: AttemptFailure = { status: null, message: "aborted", retryAfterMs: null, aborted: true };

/** Retry-After as seconds or an HTTP date, or retry-after-ms (OpenAI's), in milliseconds; null when absent or unreadable. */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined | null, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = headers.get("retry-after")?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** 429, 408, 409 and 5xx, and no answer at all, are worth another attempt; a bad key or a bad request is not. */
export function isRetryable(failure: AttemptFailure): boolean {
  if (failure.aborted) return false;
  if (failure.status === null) return true;
  return failure.status === 429 || failure.status === 408 || failure.status === 409 || failure.status >= 500;
}

/** The final error for a failure that will not be retried (again). */
export function toLlmError(failure: AttemptFailure, attempts: number): LlmError {
  const status = failure.status;
  if (status === 401 || status === 403) return new LlmError("INVALID_API_KEY", `the provider refused the API key (${status}): ${failure.message}`, { status, attempts });
  if (status === 429) return new LlmError("RATE_LIMIT", `the provider kept answering 429 after ${attempts} attempts: ${failure.message}`, { status, attempts });
  return new LlmError("LLM_ERROR", status === null ? `the provider did not answer: ${failure.message}` : `the provider answered ${status}: ${failure.message}`, { status, attempts });
}
