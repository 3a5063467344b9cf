import { Redis } from "ioredis";

export interface RedisConnectionOptions {
  /** Fail commands fast instead of queueing them while Redis is down (HTTP paths). */
  failFast?: boolean;
  /** A command Redis has not answered after this long fails (a hung server must not hold a request). */
  commandTimeoutMs?: number;
  connectionName?: string;
}

/** Reconnect soon and often: after an outage work resumes within ~2 s of Redis coming back. */
export function reconnectDelay(times: number): number {
  return Math.min(times * 200, 2_000);
}

/** One ioredis client; BullMQ workers need `maxRetriesPerRequest: null`, request paths want fast failure. */
export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: options.failFast ? 1 : null,
    enableOfflineQueue: !options.failFast,
    connectionName: options.connectionName,
    retryStrategy: reconnectDelay,
    lazyConnect: false,
    ...(options.commandTimeoutMs !== undefined ? { commandTimeout: options.commandTimeoutMs } : {}),
  });
}

/**
 * BullMQ connection options for a Redis URL (BullMQ opens its own clients from these). Our own
 * reconnect delay, because BullMQ's default backs off to 20 s and a worker would sit idle that
 * long after Redis returned.
 */
export function bullConnection(url: string): { url: string; maxRetriesPerRequest: null; retryStrategy: (times: number) => number } {
  return { url, maxRetriesPerRequest: null, retryStrategy: reconnectDelay };
}
