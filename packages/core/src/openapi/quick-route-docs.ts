import { quickBatchBody, quickCrawlBody, quickExtractBody, quickScrapeBody, quickScreenshotBody } from "../schemas/quick.ts";
import { jobEnvelopeSchema, syncExtractResultSchema, syncPageResultSchema } from "./job-schemas.ts";
import type { RouteDoc } from "./route-doc.ts";

const accepted = { description: "`async: true`: the job was accepted; poll `status_url` or wait for a webhook", schema: jobEnvelopeSchema };
// GONE: an idempotent replay of a sync answer whose job's results were deleted after the retention period.
const pageErrors: RouteDoc["errors"] = ["URL_NOT_ALLOWED", "INSUFFICIENT_CREDIT", "JOB_TERMINAL", "UPSTREAM_UNAVAILABLE", "UPSTREAM_TIMEOUT", "GONE"];

const MARKDOWN_DOC =
  "`markdown` is GitHub-flavoured Markdown of the rendered page (tables, fenced code blocks, links and images with absolute URLs), " +
  "of its main content only with `only_main_content: true` (Readability; the whole body when no article is found), cut at `max_chars`.";

/** POST /v1/quick/*: single pages (sync or async) and collections (always async). */
export const quickRouteDocs: RouteDoc[] = [
  {
    method: "post",
    path: "/v1/quick/scrape",
    operationId: "quickScrape",
    summary: "Render one page and return its html, text, links, markdown and/or screenshot",
    description:
      "Sync by default: answers the page when it is rendered (at most 60 s, then 504 with `job_id`). Unknown `formats` are ignored. " +
      MARKDOWN_DOC,
    tag: "quick",
    auth: true,
    body: quickScrapeBody,
    idempotent: true,
    responses: { 200: { description: "the rendered page", schema: syncPageResultSchema }, 202: accepted },
    errors: pageErrors,
  },
  {
    method: "post",
    path: "/v1/quick/screenshot",
    operationId: "quickScreenshot",
    summary: "Take a PNG screenshot of one page (base64 in `screenshot_png_b64`)",
    tag: "quick",
    auth: true,
    body: quickScreenshotBody,
    idempotent: true,
    responses: { 200: { description: "the page with its screenshot", schema: syncPageResultSchema }, 202: accepted },
    errors: pageErrors,
  },
  {
    method: "post",
    path: "/v1/quick/extract",
    operationId: "quickExtract",
    summary: "Return a page's text next to your `schema` or `prompt` (exactly one of the two)",
    tag: "quick",
    auth: true,
    body: quickExtractBody,
    idempotent: true,
    responses: { 200: { description: "the page text and your schema or prompt", schema: syncExtractResultSchema }, 202: accepted },
    errors: pageErrors,
  },
  {
    method: "post",
    path: "/v1/quick/batch",
    operationId: "quickBatch",
    summary: "Render up to 1000 URLs as one job (always async)",
    description: "Duplicate URLs are kept as separate items; one invalid URL fails the whole request with `details` naming its index. " + MARKDOWN_DOC,
    tag: "quick",
    auth: true,
    body: quickBatchBody,
    idempotent: true,
    responses: { 202: { description: "the batch job was accepted", schema: jobEnvelopeSchema } },
    errors: ["URL_NOT_ALLOWED", "INSUFFICIENT_CREDIT"],
  },
  {
    method: "post",
    path: "/v1/quick/crawl",
    operationId: "quickCrawl",
    summary: "Crawl one origin from a start URL (always async)",
    description:
      "Same origin by default, robots.txt and sitemap honoured, each normalized URL visited once, never more than `limit` pages. " +
      "`include_paths` and `exclude_paths` are RE2 patterns (https://github.com/google/re2/wiki/Syntax: no backreferences or lookarounds) matched anywhere in each link's path, in linear time; " +
      "a URL whose path is longer than 2,048 characters is never visited. " +
      MARKDOWN_DOC,
    tag: "quick",
    auth: true,
    body: quickCrawlBody,
    idempotent: true,
    responses: { 202: { description: "the crawl job was accepted", schema: jobEnvelopeSchema } },
    errors: ["URL_NOT_ALLOWED", "INSUFFICIENT_CREDIT"],
  },
];
