import { z } from "zod";

export const JOB_KINDS = ["scrape", "screenshot", "extract", "batch", "crawl", "task"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATUSES = ["queued", "running", "completed", "failed", "cancelled", "input_required"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ["completed", "failed", "cancelled"];

export const ITEM_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
/** An item's status as the API shows it: a cancelled item is `failed` with error_code CANCELLED (result-item.ts). */
export const SHOWN_ITEM_STATUSES = ["queued", "running", "completed", "failed"] as const;

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

const pageLimit = z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT);
const cursor = z.string().min(1).max(512).optional();

export const listJobsQuery = z.object({
  status: z.enum(JOB_STATUSES).optional(),
  kind: z.enum(JOB_KINDS).optional(),
  limit: pageLimit,
  cursor,
});
export type ListJobsQuery = z.infer<typeof listJobsQuery>;

export const getJobQuery = z.object({
  wait: z.coerce.number().int().min(1).max(120).optional(),
});
export type GetJobQuery = z.infer<typeof getJobQuery>;
