import type { Db } from "../client.ts";

/**
 * Deletes expired keys in bounded batches (index on expires_at); SKIP LOCKED leaves rows a claim is
 * taking over to that claim, so replicas sweeping at once never wait on each other.
 */
export async function deleteExpiredIdempotencyKeys(prisma: Db, options: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 1_000;
  const maxBatches = options.maxBatches ?? 100;
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const count = await prisma.$executeRaw`
      DELETE FROM idempotency_keys
      WHERE id IN (SELECT id FROM idempotency_keys WHERE expires_at <= now() ORDER BY expires_at LIMIT ${batchSize}::int FOR UPDATE SKIP LOCKED)
        AND expires_at <= now()`;
    deleted += count;
    if (count < batchSize) break;
  }
  return deleted;
}
