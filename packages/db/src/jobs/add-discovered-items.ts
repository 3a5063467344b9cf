import { randomUUID } from "node:crypto";
import { Prisma, type Tx } from "../client.ts";

export interface DiscoveredUrl {
  url: string;
  /** Normalized form; a crawl visits each key once. */
  urlKey: string;
  /** A link of the page (one hop below the page's depth as stored when it completes) or a sitemap entry (depth 1). */
  via: "link" | "sitemap";
}

export interface NewItem {
  id: string;
  jobId: string;
}

export interface DiscoveryBounds {
  /** The crawl's `limit`: progress_total never goes past it. */
  limit: number;
  /** The crawl's `max_depth`: nothing deeper becomes an item. */
  maxDepth: number;
}

/**
 * Inside the transaction that completed the page which found them (the job row is locked, so
 * depths only change under that lock): each URL's depth is the page's stored depth + 1 (a
 * sitemap entry's is 1), so a page whose depth a shorter path lowered while it waited or ran
 * counts from the lowered one. URLs past `maxDepth` are dropped; a URL the job already has at a
 * larger depth that has not finished gets the smaller one (depth is the shortest path known);
 * new ones become items, never taking `progress_total` past `limit`. Returns the items to
 * enqueue, in discovery order.
 */
export async function addDiscoveredItems(
  tx: Tx,
  job: { id: string; workspaceId: string; progressTotal: number },
  pageItemId: string,
  discovered: DiscoveredUrl[],
  bounds: DiscoveryBounds,
): Promise<NewItem[]> {
  if (discovered.length === 0) return [];
  const page = await tx.jobItem.findUniqueOrThrow({ where: { id: pageItemId }, select: { depth: true } });
  const shallowest = new Map<string, { url: string; urlKey: string; depth: number }>();
  for (const d of discovered) {
    const depth = d.via === "sitemap" ? 1 : page.depth + 1;
    if (depth > bounds.maxDepth) continue;
    const seen = shallowest.get(d.urlKey);
    if (seen === undefined) shallowest.set(d.urlKey, { url: d.url, urlKey: d.urlKey, depth });
    else if (depth < seen.depth) seen.depth = depth;
  }
  const unique = [...shallowest.values()];
  if (unique.length === 0) return [];
  const known = await tx.jobItem.findMany({
    where: { jobId: job.id, urlKey: { in: unique.map((d) => d.urlKey) } },
    select: { urlKey: true },
  });
  const seen = new Set(known.map((k) => k.urlKey));
  await lowerDepths(tx, job.id, unique.filter((d) => seen.has(d.urlKey)));

  const room = bounds.limit - job.progressTotal;
  const fresh = unique.filter((d) => !seen.has(d.urlKey)).slice(0, Math.max(0, room));
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

/** A shorter path to a page that has not finished: it is expanded from the smaller depth. */
async function lowerDepths(tx: Tx, jobId: string, found: { urlKey: string; depth: number }[]): Promise<void> {
  if (found.length === 0) return;
  const pairs = Prisma.join(found.map((d) => Prisma.sql`(${d.urlKey}, ${d.depth}::int)`));
  await tx.$executeRaw`
    UPDATE job_items AS i SET depth = d.depth
    FROM (VALUES ${pairs}) AS d(url_key, depth)
    WHERE i.job_id = ${jobId}::uuid AND i.url_key = d.url_key AND i.depth > d.depth AND i.status IN ('queued', 'running')`;
}
