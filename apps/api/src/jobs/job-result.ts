import { toResultItem, type ResultItem } from "@browserfleet/core";
import { findItemResults, SINGLE_PAGE_KINDS, type Db, type ItemWithPayload, type Job } from "@browserfleet/db";

export function itemResult(item: ItemWithPayload): ResultItem {
  return toResultItem({ ...item, ...(item.payload ?? {}), status: item.status });
}

/** Extract answers the page text next to the caller's schema or prompt, for a client-side LLM pass. */
export function extractResult(job: Job, item: ItemWithPayload): Record<string, unknown> {
  const params = job.params as { schema?: unknown; prompt?: string };
  const base = itemResult(item);
  return {
    url: base.url,
    final_url: base.final_url,
    status: base.status,
    http_status: base.http_status,
    title: base.title,
    text: base.text ?? "",
    ...(params.schema !== undefined ? { schema: params.schema } : { prompt: params.prompt }),
  };
}

/** A single-page job's answer: extract's shape for extract, the result item otherwise. */
export function pageResult(job: Job, item: ItemWithPayload): Record<string, unknown> {
  return job.kind === "extract" ? extractResult(job, item) : { ...itemResult(item) };
}

/** `result` of the job envelope: the page for single-page jobs, a summary for batch and crawl, null until done. */
export async function loadJobResult(prisma: Db, job: Job): Promise<unknown> {
  if (job.status !== "completed") return null;
  if (!SINGLE_PAGE_KINDS.includes(job.kind)) {
    return { succeeded: job.progressDone - job.progressFailed, failed: job.progressFailed, result_url: `/v1/jobs/${job.id}/results` };
  }
  const [item] = await findItemResults(prisma, job.id, { limit: 1 });
  if (!item) return null;
  return pageResult(job, item);
}
