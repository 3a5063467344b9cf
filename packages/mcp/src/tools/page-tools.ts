import { z } from "zod";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Client } from "@browserfleet/sdk";
import { guarded, toolResult } from "../tool-result.ts";
import { DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS, stillRunning, waitBounded } from "./wait-bounded.ts";

const formats = z
  .array(z.enum(["html", "text", "links", "screenshot", "markdown"]))
  .min(1)
  .optional()
  .describe('what to return per page (default ["markdown"] here: what a model reads best)');
const pageOptions = {
  only_main_content: z.boolean().optional().describe("markdown of the main content only (navigation, headers and footers left out)"),
  max_chars: z.number().int().min(1).max(10_000_000).optional().describe("cut text and markdown at this many characters"),
  timeout_ms: z.number().int().min(1_000).max(60_000).optional().describe("per page (default 30000)"),
  wait_until: z.enum(["load", "domcontentloaded", "networkidle"]).optional(),
};
const waitSeconds = z.number().int().min(0).max(MAX_WAIT_SECONDS).optional().describe(`how long to wait for the job (default ${DEFAULT_WAIT_SECONDS}); past it the job id comes back and get_job reads it later`);
/** Items a batch or crawl tool returns inline; the rest are a results page away. */
const INLINE_ITEMS = 20;

/** scrape, batch_scrape and crawl: pages rendered by the fleet. */
export function registerPageTools(server: McpServer, client: Client): void {
  server.registerTool(
    "scrape",
    {
      title: "Scrape a page",
      description: "Render one URL in a real browser and return its content (markdown by default; html, text, links, screenshot on request).",
      inputSchema: { url: z.string().url().describe("http(s) URL of the page"), formats, ...pageOptions },
    },
    (args) =>
      guarded(async () => {
        const page = (await client.scrape({ ...args, formats: args.formats ?? ["markdown"] } as never)) as Record<string, unknown>;
        const body = typeof page.markdown === "string" ? page.markdown : typeof page.text === "string" ? page.text : "";
        return toolResult(`${String(page.status)} ${String(page.http_status)} ${String(page.final_url ?? page.url)} — ${String(page.title ?? "")}\n\n${body}`, page);
      }),
  );

  server.registerTool(
    "batch_scrape",
    {
      title: "Scrape many pages",
      description: `Render up to 1000 URLs as one job and return the first ${INLINE_ITEMS} results once it is done (or its job id if it takes longer than wait_seconds).`,
      inputSchema: { urls: z.array(z.string().url()).min(1).max(1000), formats, ...pageOptions, wait_seconds: waitSeconds },
    },
    ({ wait_seconds, ...args }) =>
      guarded(async () => {
        const submitted = await client.batch({ ...args, formats: args.formats ?? ["markdown"] } as never);
        return finishedOrPending(client, submitted.id, wait_seconds ?? DEFAULT_WAIT_SECONDS);
      }),
  );

  server.registerTool(
    "crawl",
    {
      title: "Crawl a site",
      description: `Follow links from a start URL on its own origin (robots.txt and sitemap respected) and return the first ${INLINE_ITEMS} pages once done (or the job id).`,
      inputSchema: {
        url: z.string().url(),
        limit: z.number().int().min(1).max(10_000).optional().describe("most pages (default 100)"),
        max_depth: z.number().int().min(0).max(20).optional(),
        include_paths: z.array(z.string()).max(50).optional().describe("RE2 patterns a path must match"),
        exclude_paths: z.array(z.string()).max(50).optional(),
        formats,
        ...pageOptions,
        wait_seconds: waitSeconds,
      },
    },
    ({ wait_seconds, ...args }) =>
      guarded(async () => {
        const submitted = await client.crawl({ ...args, formats: args.formats ?? ["markdown"] } as never);
        return finishedOrPending(client, submitted.id, wait_seconds ?? DEFAULT_WAIT_SECONDS);
      }),
  );
}

async function finishedOrPending(client: Client, jobId: string, seconds: number) {
  const job = await waitBounded(client, jobId, seconds);
  if (stillRunning(job)) {
    return toolResult(`job ${job.id} is still ${job.status} (${job.progress_done}/${job.progress_total} pages); call get_job with this job_id later`, { job });
  }
  const page = await client.listResults(job.id, { limit: INLINE_ITEMS });
  return toolResult(
    `job ${job.id} ${job.status}: ${job.progress_done - job.progress_failed} pages succeeded, ${job.progress_failed} failed${page.next_cursor ? ` (first ${page.items.length} shown)` : ""}`,
    { job, items: page.items, more: page.next_cursor !== null },
  );
}
