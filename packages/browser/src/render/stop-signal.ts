import { RenderStopped } from "./render-errors.ts";

/** One render's budget: rejects `promise` on the deadline or when the caller aborts. */
export interface StopSignal {
  readonly promise: Promise<never>;
  remainingMs(): number;
  dispose(): void;
}

export function startStopSignal(timeoutMs: number, signal: AbortSignal | undefined): StopSignal {
  const deadline = performance.now() + timeoutMs;
  let reject: (err: RenderStopped) => void = () => undefined;
  const promise = new Promise<never>((_resolve, rejectPromise) => {
    reject = rejectPromise;
  });
  // The race may be decided elsewhere; an unobserved rejection must not crash the process.
  promise.catch(() => undefined);
  const timer = setTimeout(() => reject(new RenderStopped("TIMEOUT", `the render did not finish within ${timeoutMs} ms`)), timeoutMs);
  const onAbort = (): void => reject(new RenderStopped("CANCELLED", "the render was cancelled"));
  signal?.addEventListener("abort", onAbort, { once: true });
  return {
    promise,
    remainingMs: () => Math.max(1, Math.round(deadline - performance.now())),
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}
