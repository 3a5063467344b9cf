/**
 * `promise`'s outcome, or what `onTimeout` returns (or throws) if it has not settled within `ms`. The timer never
 * outlives the race; the promise itself is not cancelled, so a caller that can stop the work does so in `onTimeout`.
 */
export function settleWithin<T, F>(promise: Promise<T>, ms: number, onTimeout: () => F): Promise<T | F> {
  return new Promise<T | F>((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (err) {
        reject(err);
      }
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      // As it is, Error or not: callers tell a library's own rejection values apart (rate-limiter-flexible's RateLimiterRes).
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** `promise`'s outcome, or an Error saying `message` if it has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message = `timed out after ${ms} ms`): Promise<T> {
  return settleWithin(promise, ms, () => {
    throw new Error(message);
  });
}
