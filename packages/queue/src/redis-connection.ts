import { Redis } from "ioredis";

export interface RedisConnectionOptions {
  /** Fail commands fast instead of queueing them while Redis is down (HTTP paths). */
  failFast?: boolean;
  connectionName?: string;
}

/** One ioredis client; BullMQ workers need `maxRetriesPerRequest: null`, request paths want fast failure. */
export function createRedisConnection(url: string, options: RedisConnectionOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: options.failFast ? 1 : null,
    enableOfflineQueue: !options.failFast,
    connectionName: options.connectionName,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
  });
}

/** BullMQ connection options for a Redis URL (BullMQ opens its own clients from these). */
export function bullConnection(url: string): { url: string; maxRetriesPerRequest: null } {
  return { url, maxRetriesPerRequest: null };
}
