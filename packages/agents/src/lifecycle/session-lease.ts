import type { Redis } from "ioredis";

/**
 * A running session's lease: a Redis key its worker renews while the browser lives. A key that
 * lapsed means the worker is gone (killed, partitioned, frozen); whoever sees it first ends the
 * session `worker_lost`.
 */
export function sessionLeaseKey(prefix: string, sessionId: string): string {
  return `${prefix}:agent-lease:${sessionId}`;
}

/** Sets or renews the leases of every session a worker hosts, in one round trip. */
export async function renewSessionLeases(redis: Redis, prefix: string, workerId: string, sessionIds: readonly string[], leaseMs: number): Promise<void> {
  if (sessionIds.length === 0) return;
  const pipeline = redis.pipeline();
  for (const id of sessionIds) pipeline.set(sessionLeaseKey(prefix, id), workerId, "PX", leaseMs);
  const results = await pipeline.exec();
  const failed = results?.find(([err]) => err !== null);
  if (failed) throw failed[0];
}

export async function dropSessionLease(redis: Redis, prefix: string, sessionId: string): Promise<void> {
  await redis.del(sessionLeaseKey(prefix, sessionId));
}

/** The ids among `sessionIds` whose lease is live now. */
export async function liveSessionLeases(redis: Redis, prefix: string, sessionIds: readonly string[]): Promise<Set<string>> {
  if (sessionIds.length === 0) return new Set();
  const values = await redis.mget(...sessionIds.map((id) => sessionLeaseKey(prefix, id)));
  return new Set(sessionIds.filter((_, i) => values[i] !== null));
}
