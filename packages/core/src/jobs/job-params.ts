import { z } from "zod";
import { pageTask } from "../schemas/page-task.ts";

/** What a crawl's worker needs besides the page task: its rules, fixed at submit. */
export const crawlRules = z.object({
  start_url: z.string(),
  limit: z.number().int().min(1),
  max_depth: z.number().int().min(0),
  include_paths: z.array(z.string()),
  exclude_paths: z.array(z.string()),
  allow_subdomains: z.boolean(),
  ignore_query_parameters: z.boolean(),
  respect_robots_txt: z.boolean(),
  use_sitemap: z.boolean(),
});
export type CrawlRules = z.infer<typeof crawlRules>;

/**
 * A job's `params` column, the contract between the API (which writes it at submit) and the
 * worker (which parses it for every item): what every item renders, its price, how a crawl
 * spreads, and extract's schema or prompt echoed back in the result.
 */
export const jobParams = z.object({
  /** The single page's URL (single-page kinds). */
  url: z.string().optional(),
  task: pageTask,
  /** Credits charged per succeeded page. */
  price: z.number().int().min(0),
  crawl: crawlRules.optional(),
  schema: z.record(z.string(), z.unknown()).optional(),
  prompt: z.string().optional(),
});
export type JobParams = z.infer<typeof jobParams>;

/** A stored row's params, or why they do not match the contract (a row written by a different version, or by hand). */
export function parseJobParams(raw: unknown): { ok: true; params: JobParams } | { ok: false; error: string } {
  const parsed = jobParams.safeParse(raw);
  if (parsed.success) return { ok: true, params: parsed.data };
  const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  return { ok: false, error: `job params do not match the contract: ${issues.join("; ")}` };
}
