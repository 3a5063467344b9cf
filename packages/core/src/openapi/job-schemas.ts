import { z } from "zod";
import { ITEM_ERROR_CODES } from "../errors/error-codes.ts";
import { JOB_KINDS, JOB_STATUSES, SHOWN_ITEM_STATUSES } from "../schemas/jobs.ts";
import { SCRAPE_FORMATS } from "../schemas/quick.ts";

const iso = z.iso.datetime();

/** One rendered URL; content fields appear only when their format was asked for. */
export const resultItemSchema = z.object({
  url: z.string(),
  final_url: z.string().nullable(),
  status: z.enum(SHOWN_ITEM_STATUSES).describe("completed or failed once finished; cancelled work is failed with error_code CANCELLED"),
  http_status: z.number().int().nullable(),
  title: z.string().nullable(),
  duration_ms: z.number().int().nullable(),
  html: z.string().optional(),
  text: z.string().optional(),
  links: z.array(z.string()).optional(),
  screenshot_png_b64: z.string().optional(),
  markdown: z
    .string()
    .optional()
    .describe("GitHub-flavoured Markdown of the page (of its main content with only_main_content): tables, code blocks and links with absolute URLs kept"),
  error_code: z.enum(ITEM_ERROR_CODES).nullable(),
  error_message: z.string().nullable(),
  truncated: z
    .array(z.enum(SCRAPE_FORMATS))
    .describe(
      "formats cut at their bound: html at HTML_MAX_BYTES, links at 5,000, screenshot at SCREENSHOT_MAX_HEIGHT px, text and markdown at max_chars (markdown also when the page's HTML past HTML_MAX_BYTES was not converted); [] when nothing was cut",
    ),
});

export const jobEnvelopeSchema = z.object({
  id: z.uuid(),
  job_id: z.uuid().describe("equal to id"),
  kind: z.enum(JOB_KINDS),
  status: z.enum(JOB_STATUSES),
  progress_done: z.number().int().min(0).describe("finished items, succeeded + failed"),
  progress_failed: z.number().int().min(0),
  progress_total: z.number().int().min(0),
  credits_charged: z.number().int().min(0),
  created_at: iso,
  started_at: iso.nullable(),
  completed_at: iso.nullable(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  status_url: z.string(),
  result_url: z.string(),
  result: z
    .unknown()
    .optional()
    .describe(
      "GET /v1/jobs/{id} only: the page (scrape, screenshot, extract) or {succeeded, failed, result_url} (batch, crawl); null until completed, and null again once the results were deleted after RESULT_RETENTION_DAYS. A task's: {question} while input_required, {final_result, steps_taken, trust_score} once completed",
    ),
  framework: z.literal("browserfleet").optional().describe("tasks only"),
  agent_id: z.string().nullable().optional().describe("tasks only: the burner agent the task runs in"),
  step_count: z.number().int().min(0).optional().describe("tasks only: steps recorded so far (each one task_step credit)"),
});

export const jobStatusSchema = jobEnvelopeSchema.pick({ id: true, status: true, kind: true, progress_done: true, progress_failed: true, progress_total: true });

export const jobListSchema = z.object({ items: z.array(jobEnvelopeSchema.omit({ result: true })), next_cursor: z.string().nullable() });

export const resultPageSchema = z
  .object({ items: z.array(resultItemSchema), next_cursor: z.string().nullable() })
  .describe("stops early, with next_cursor, before the item that would take the page past RESULTS_PAGE_MAX_BYTES (8 MiB); always at least one item");

/** 200 of a sync scrape or screenshot: the item, the job that rendered it and what it cost. */
export const syncPageResultSchema = resultItemSchema.extend({ job_id: z.uuid(), cost_credits: z.number().int().min(0) });

/** 200 of a sync extract: the page text next to the caller's schema or prompt (no LLM call here). */
export const syncExtractResultSchema = z.object({
  url: z.string(),
  final_url: z.string().nullable(),
  status: z.enum(SHOWN_ITEM_STATUSES),
  http_status: z.number().int().nullable(),
  title: z.string().nullable(),
  text: z.string(),
  truncated: z.array(z.enum(SCRAPE_FORMATS)).describe('["text"] when the text was cut at max_chars'),
  schema: z.record(z.string(), z.unknown()).optional(),
  prompt: z.string().optional(),
  job_id: z.uuid(),
  cost_credits: z.number().int().min(0),
});

/** `GET /v1/jobs/{id}/results` paging: the opaque cursor of the previous page (the API validates with this too). */
export const jobResultsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d{1,9}$/, "cursor is not one this API issued").optional(),
});
