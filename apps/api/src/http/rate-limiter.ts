import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { withTimeout } from "@browserfleet/runtime";

/** One decision of a limiter, in the units of the headers (whole seconds from now). */
export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export interface RateLimiterOptions {
  redis: Redis;
  /** Redis key prefix; carries QUEUE_PREFIX so fleets and tests on one Redis never share counters. */
  keyPrefix: string;
  windowSeconds: number;
  /** A Redis that answers slower than this counts as unavailable rather than hanging the request. */
  timeoutMs: number;
}

const MAX_LIMITERS = 1_000;

/**
 * A fixed-window counter in Redis shared by every API replica (rate-limiter-flexible's atomic
 * Lua INCR + TTL). Limits differ per workspace, so one limiter object per limit value, all on
 * the same Redis keys: changing a workspace's limit keeps what was already counted.
 */
export class RateLimiter {
  private readonly limiters = new Map<number, RateLimiterRedis>();

  constructor(private readonly options: RateLimiterOptions) {}

  /** Counts one hit for `key` against `limit`; null when Redis cannot answer (caller decides). */
  async consume(key: string, limit: number): Promise<RateLimitVerdict | null> {
    try {
      const consumed = this.limiterFor(limit).consume(key).then((res) => ({ allowed: true, res }));
      const outcome = await withTimeout(consumed, this.options.timeoutMs, `rate limiter: Redis did not answer within ${this.options.timeoutMs} ms`);
      return this.verdict(limit, outcome.allowed, outcome.res);
    } catch (err) {
      // The library rejects with a RateLimiterRes when the limit is spent, with an Error when Redis fails.
      if (err instanceof RateLimiterRes) return this.verdict(limit, false, err);
      throw err;
    }
  }

  private verdict(limit: number, allowed: boolean, res: RateLimiterRes): RateLimitVerdict {
    return {
      allowed,
      limit,
      remaining: allowed ? Math.max(0, limit - res.consumedPoints) : 0,
      resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    };
  }

  private limiterFor(limit: number): RateLimiterRedis {
    let limiter = this.limiters.get(limit);
    if (!limiter) {
      // Distinct limits are few (one per workspace setting); the cap only guards against a leak.
      if (this.limiters.size >= MAX_LIMITERS) this.limiters.clear();
      limiter = new RateLimiterRedis({
        storeClient: this.options.redis,
        keyPrefix: this.options.keyPrefix,
        points: limit,
        duration: this.options.windowSeconds,
        rejectIfRedisNotReady: true,
      });
      this.limiters.set(limit, limiter);
    }
    return limiter;
  }
}
