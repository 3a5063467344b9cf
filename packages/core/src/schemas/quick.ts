import { z } from "zod";
import { MAX_PATH_PATTERNS, MAX_PATH_PATTERN_LENGTH, compilePathPatterns } from "../crawl/path-pattern.ts";
import { MAX_JSON_DEPTH, isJsonDepthWithin } from "./json-depth.ts";

/** Content a scrape can return; unknown strings in `formats` are ignored, as the contract says. */
export const SCRAPE_FORMATS = ["html", "text", "links", "screenshot", "markdown"] as const;
export type ScrapeFormat = (typeof SCRAPE_FORMATS)[number];

export const WAIT_UNTIL = ["load", "domcontentloaded", "networkidle"] as const;
export type WaitUntil = (typeof WAIT_UNTIL)[number];

export const MAX_URL_LENGTH = 8192;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_CHARS = 100_000;

const targetUrl = z
  .string()
  .min(1, "url is required")
  .max(MAX_URL_LENGTH, `url must be at most ${MAX_URL_LENGTH} characters`)
  .refine((s) => URL.canParse(s), "url must be an absolute URL");

const formats = z
  .array(z.string().max(64))
  .max(32)
  .optional()
  .transform((list): ScrapeFormat[] =>
    list === undefined ? ["html"] : [...new Set(list.filter((f): f is ScrapeFormat => (SCRAPE_FORMATS as readonly string[]).includes(f)))],
  );

/** `markdown` of the page's main content (Readability's article) instead of its whole body; other formats are unaffected. */
const onlyMainContent = z.boolean().default(false);

/** Options every quick endpoint shares. */
const pageOptions = {
  url: targetUrl,
  timeout_ms: z.number().int().min(1_000).max(MAX_TIMEOUT_MS).default(DEFAULT_TIMEOUT_MS),
  wait_until: z.enum(WAIT_UNTIL).default("load"),
  async: z.boolean().default(false),
};

export const quickScrapeBody = z.object({
  ...pageOptions,
  formats,
  max_chars: z.number().int().min(1).max(10_000_000).default(DEFAULT_MAX_CHARS),
  /** The viewport unless asked (a full page is clipped at SCREENSHOT_MAX_HEIGHT). */
  full_page: z.boolean().default(false),
  only_main_content: onlyMainContent,
});
export type QuickScrapeBody = z.infer<typeof quickScrapeBody>;

export const quickScreenshotBody = z.object({
  ...pageOptions,
  full_page: z.boolean().default(true),
});
export type QuickScreenshotBody = z.infer<typeof quickScreenshotBody>;

export const quickExtractBody = z
  .object({
    ...pageOptions,
    schema: z
      .record(z.string(), z.unknown())
      .refine((s) => isJsonDepthWithin(s, MAX_JSON_DEPTH), `schema must not nest deeper than ${MAX_JSON_DEPTH} levels`)
      .optional(),
    prompt: z.string().min(1).max(20_000).optional(),
    max_chars: z.number().int().min(1).max(10_000_000).default(DEFAULT_MAX_CHARS),
  })
  .superRefine((body, ctx) => {
    if ((body.schema === undefined) === (body.prompt === undefined)) {
      ctx.addIssue({ code: "custom", path: ["schema"], message: "exactly one of schema or prompt is required" });
    }
  });
export type QuickExtractBody = z.infer<typeof quickExtractBody>;

export const MAX_BATCH_URLS = 1000;

/** What every page of a batch or crawl is rendered with. */
const multiPageOptions = {
  formats,
  max_chars: z.number().int().min(1).max(10_000_000).default(DEFAULT_MAX_CHARS),
  timeout_ms: pageOptions.timeout_ms,
  wait_until: pageOptions.wait_until,
  /** Screenshots of the viewport unless asked: a full page of every URL is what made results unbounded. */
  full_page: z.boolean().default(false),
  only_main_content: onlyMainContent,
  /** Batches and crawls are always async; `async: false` is accepted and ignored rather than refused. */
  async: z.boolean().optional(),
};

export const quickBatchBody = z.object({
  urls: z.array(targetUrl).min(1, "urls must list at least one URL").max(MAX_BATCH_URLS, `at most ${MAX_BATCH_URLS} urls per batch`),
  ...multiPageOptions,
});
export type QuickBatchBody = z.infer<typeof quickBatchBody>;

export const MAX_CRAWL_LIMIT = 5000;
export const MAX_CRAWL_DEPTH = 10;
// Workers run these on every discovered link: compiled with RE2 (linear time), each and together bounded in size.
const pathPatterns = z
  .array(z.string().min(1).max(MAX_PATH_PATTERN_LENGTH))
  .max(MAX_PATH_PATTERNS)
  .superRefine((sources, ctx) => {
    const compiled = compilePathPatterns(sources);
    if (!compiled.ok) for (const problem of compiled.problems) ctx.addIssue({ code: "custom", path: [problem.index], message: problem.message });
  })
  .default([]);

export const quickCrawlBody = z.object({
  url: targetUrl,
  limit: z.number().int().min(1).max(MAX_CRAWL_LIMIT).default(50),
  max_depth: z.number().int().min(0).max(MAX_CRAWL_DEPTH).default(2),
  include_paths: pathPatterns,
  exclude_paths: pathPatterns,
  allow_subdomains: z.boolean().default(false),
  ignore_query_parameters: z.boolean().default(true),
  respect_robots_txt: z.boolean().default(true),
  use_sitemap: z.boolean().default(true),
  ...multiPageOptions,
});
export type QuickCrawlBody = z.infer<typeof quickCrawlBody>;
