import type { JobItem, JobItemPayload, Db } from "../client.ts";
import type { BlobStores } from "../blobs/blob-stores.ts";
import { decodePayload, type PayloadContent } from "../blobs/payload-codec.ts";

/** An item with its content (html, text, links, screenshot), wherever the content is stored. */
export type ItemResult = JobItem & { content: PayloadContent | null };

/** A result's place in its job and about how many bytes it adds to a results page, known without loading its payload. */
export interface ItemResultSize {
  id: string;
  seq: number;
  bytes: number;
}

// Blobs read at once for one group of items: a remote store answers in parallel, within a bound.
const BLOB_READS_IN_FLIGHT = 4;

/**
 * The next items of a job in submission order with the size of their content, measured in SQL
 * (size_bytes, or octet_length of an older row's inline columns: no detoasting of text or bytea).
 */
export async function findItemResultSizes(prisma: Db, jobId: string, options: { fromSeq?: number; limit: number }): Promise<ItemResultSize[]> {
  return prisma.$queryRaw<ItemResultSize[]>`
    SELECT i.id::text AS id, i.seq,
      (octet_length(i.url) + COALESCE(octet_length(i.final_url), 0) + COALESCE(octet_length(i.title), 0) + COALESCE(octet_length(i.error_message), 0)
       + COALESCE(p.size_bytes, COALESCE(octet_length(p.html), 0) + COALESCE(octet_length(p.text), 0)
                                + COALESCE(octet_length(p.links::text), 0) + COALESCE(octet_length(p.screenshot), 0) * 4 / 3, 0))::int AS bytes
    FROM job_items AS i LEFT JOIN job_item_payloads AS p ON p.item_id = i.id
    WHERE i.job_id = ${jobId}::uuid AND i.seq >= ${options.fromSeq ?? 0}::int
    ORDER BY i.seq
    LIMIT ${options.limit}::int`;
}

/** These items (of one job) with their content, in submission order. */
export async function loadItemResults(prisma: Db, stores: BlobStores, itemIds: string[]): Promise<ItemResult[]> {
  if (itemIds.length === 0) return [];
  const rows = await prisma.jobItem.findMany({ where: { id: { in: itemIds } }, orderBy: { seq: "asc" }, include: { payload: true } });
  const results: ItemResult[] = new Array<ItemResult>(rows.length);
  let next = 0;
  const reader = async (): Promise<void> => {
    for (let i = next++; i < rows.length; i = next++) {
      const { payload, ...item } = rows[i]!;
      results[i] = { ...item, content: payload === null ? null : await contentOf(stores, payload) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(BLOB_READS_IN_FLIGHT, rows.length) }, reader));
  return results;
}

/** The first (for single-page jobs: the only) item of a job with its content, or null. */
export async function loadFirstItemResult(prisma: Db, stores: BlobStores, jobId: string): Promise<ItemResult | null> {
  const first = await prisma.jobItem.findFirst({ where: { jobId }, orderBy: { seq: "asc" }, select: { id: true } });
  if (first === null) return null;
  const [item] = await loadItemResults(prisma, stores, [first.id]);
  return item ?? null;
}

async function contentOf(stores: BlobStores, payload: JobItemPayload): Promise<PayloadContent> {
  if (payload.blobKey === null) return inlineContent(payload);
  const store = stores.byName(payload.blobStore ?? "postgres");
  if (store === undefined) throw new Error(`item ${payload.itemId}'s payload is in the ${payload.blobStore} store, which this process has no settings for`);
  const bytes = await store.get(payload.blobKey);
  if (bytes === null) throw new Error(`item ${payload.itemId}'s payload blob ${payload.blobKey} is missing from the ${store.name} store`);
  return decodePayload(bytes);
}

/** A row written before the blob store: its content is in its own columns. */
function inlineContent(payload: JobItemPayload): PayloadContent {
  const content: PayloadContent = {};
  if (payload.html !== null) content.html = payload.html;
  if (payload.text !== null) content.text = payload.text;
  if (Array.isArray(payload.links)) content.links = payload.links.filter((l): l is string => typeof l === "string");
  if (payload.screenshot !== null) content.screenshot = payload.screenshot;
  return content;
}
