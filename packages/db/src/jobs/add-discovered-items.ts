import { randomUUID } from "node:crypto";
import type { Tx } from "./db-types.ts";

export interface DiscoveredUrl {
  url: string;
  /** Normalized form; a crawl visits each key once. */
  urlKey: string;
  depth: number;
}

export interface NewItem {
  id: string;
  jobId: string;
}

/**
 * Inside the transaction that completed the page which found them (the job row is locked):
 * adds a crawl's newly discovered URLs as items, skipping keys the job already has and never
 * taking `progress_total` past `limit`. Returns the items to enqueue, in discovery order.
 */
export async function addDiscoveredItems(
  tx: Tx,
  job: { id: string; workspaceId: string; progressTotal: number },
  discovered: DiscoveredUrl[],
  limit: number,
): Promise<NewItem[]> {
  const room = limit - job.progressTotal;
  if (room <= 0 || discovered.length === 0) return [];
  const unique = [...new Map(discovered.map((d) => [d.urlKey, d])).values()];
  const known = await tx.jobItem.findMany({
    where: { jobId: job.id, urlKey: { in: unique.map((d) => d.urlKey) } },
    select: { urlKey: true },
  });
  const seen = new Set(known.map((k) => k.urlKey));
  const fresh = unique.filter((d) => !seen.has(d.urlKey)).slice(0, room);
  if (fresh.length === 0) return [];
  const rows = fresh.map((d, i) => ({
    id: randomUUID(),
    jobId: job.id,
    workspaceId: job.workspaceId,
    seq: job.progressTotal + i,
    url: d.url,
    urlKey: d.urlKey,
    depth: d.depth,
  }));
  await tx.jobItem.createMany({ data: rows });
  await tx.$executeRaw`UPDATE jobs SET progress_total = progress_total + ${rows.length}, updated_at = now() WHERE id = ${job.id}::uuid`;
  return rows.map((r) => ({ id: r.id, jobId: r.jobId }));
}
