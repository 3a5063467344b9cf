import { type AttemptFailure, isRetryable, toLlmError } from "./llm-errors.ts";

export interface RetryPolicy {
  /** Attempts in all (api.md: a 429 becomes RATE_LIMIT after 2–5 attempts). */
  attempts: number;
  /** First backoff when the provider gave no Retry-After; doubled each attempt, with jitter. */
  baseDelayMs: number;
  /** Longest wait between attempts we accept; a provider asking for more ends the retries now. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 60_000 };

/**
 * Runs one provider call with bounded retries: a retryable failure (429, 5xx, no answer) waits
 * at least what the provider's Retry-After asked (or a jittered backoff), never past the signal
 * (cancel, wallclock) and never longer than `maxDelayMs`; then the last failure becomes an
 * LlmError with the contract's code. An abort is rethrown as it is.
 */
export async function withProviderRetries<T>(
  call: (attempt: number) => Promise<T>,
  describe: (err: unknown) => AttemptFailure,
  options: { policy?: RetryPolicy; signal?: AbortSignal; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const sleep = options.sleep ?? abortableSleep;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call(attempt);
    } catch (err) {
      const failure = describe(err);
      if (failure.aborted || options.signal?.aborted) throw err;
      if (!isRetryable(failure) || attempt >= policy.attempts) throw toLlmError(failure, attempt);
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
      const wait = Math.max(failure.retryAfterMs ?? 0, backoff);
      if (wait > policy.maxDelayMs) throw toLlmError(failure, attempt);
      await sleep(Math.ceil(wait), options.signal);
    }
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
