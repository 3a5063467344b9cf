import type { Response } from "express";
import type { Logger } from "pino";
import { findItemResultSizes, loadItemResults, type Job, type ItemResultSize } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { jsonChunks } from "../results/json-chunks.ts";
import { JsonStream } from "../results/json-stream.ts";
import { itemView } from "./job-result.ts";

// Payloads are loaded a group at a time, about this many bytes by their stored sizes (one item at least).
const LOAD_GROUP_BYTES = 1024 * 1024;
const HEAD = '{"items":[';
// Room kept for the page's end: `],"next_cursor":"<seq>"}` with a seq of up to 9 digits.
const TAIL_RESERVE = '],"next_cursor":"123456789"}'.length;

/** Consecutive items, each group about LOAD_GROUP_BYTES by the sizes measured in SQL. */
function loadGroups(sizes: ItemResultSize[]): ItemResultSize[][] {
  const groups: ItemResultSize[][] = [];
  let group: ItemResultSize[] = [];
  let bytes = 0;
  for (const size of sizes) {
    if (group.length > 0 && bytes + size.bytes > LOAD_GROUP_BYTES) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(size);
    bytes += size.bytes;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * GET /v1/jobs/{id}/results: up to `limit` items from `fromSeq`, streamed item by item. Each item's
 * JSON is measured before it is written, and the page stops (with next_cursor at that item) when
 * it would go past RESULTS_PAGE_MAX_BYTES; the first item is always written, however large. At
 * most one group of payloads past the page's end is ever loaded.
 */
export async function sendResultsPage(
  deps: Pick<ApiDeps, "prisma" | "blobs" | "config">,
  res: Response,
  job: Job,
  page: { fromSeq: number; limit: number },
  log: Logger,
): Promise<void> {
  const maxBytes = deps.config.RESULTS_PAGE_MAX_BYTES;
  const sizes = await findItemResultSizes(deps.prisma, job.id, { fromSeq: page.fromSeq, limit: page.limit + 1 });
  const after = sizes[page.limit];
  const groups = loadGroups(sizes.slice(0, page.limit));
  // The first group is loaded before anything is sent, so its failure is still an error envelope.
  let loaded = groups.length > 0 ? await loadItemResults(deps.prisma, deps.blobs, groups[0]!.map((s) => s.id)) : [];
  const stream = new JsonStream(res);
  let written = Buffer.byteLength(HEAD);
  let count = 0;
  let next: number | null = after?.seq ?? null;
  try {
    await stream.write(HEAD);
    outer: for (let g = 0; g < groups.length; g++) {
      if (g > 0) loaded = await loadItemResults(deps.prisma, deps.blobs, groups[g]!.map((s) => s.id));
      for (const item of loaded) {
        const pieces = [...jsonChunks(itemView(item))];
        const bytes = pieces.reduce((sum, p) => sum + Buffer.byteLength(p), 0) + (count > 0 ? 1 : 0);
        if (count > 0 && written + bytes + TAIL_RESERVE > maxBytes) {
          next = item.seq;
          break outer;
        }
        if (count > 0) await stream.write(",");
        await stream.writeAll(pieces);
        written += bytes;
        count += 1;
        if (stream.closed) return;
      }
    }
    await stream.write(`],"next_cursor":${JSON.stringify(next === null ? null : String(next))}}`);
    await stream.end();
  } catch (err) {
    // Part of the page is out already: an envelope cannot follow, so the client sees a cut connection, never a short page.
    log.warn({ err, job_id: job.id }, "results page failed while streaming; connection closed");
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}
