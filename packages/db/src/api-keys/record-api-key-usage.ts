import type { Db } from "../client.ts";

export interface ApiKeyUsage {
  keyId: string;
  usedAt: Date;
}

/** One UPDATE for many keys; last_used_at only moves forward, so replicas flushing out of order agree. */
export async function recordApiKeyUsage(prisma: Db, usages: readonly ApiKeyUsage[]): Promise<number> {
  if (usages.length === 0) return 0;
  const ids = usages.map((u) => u.keyId);
  const times = usages.map((u) => u.usedAt.toISOString());
  return prisma.$executeRaw`
    UPDATE api_keys AS k SET last_used_at = u.used_at
    FROM unnest(${ids}::uuid[], ${times}::timestamptz[]) AS u(id, used_at)
    WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.used_at)`;
}
