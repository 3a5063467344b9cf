import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/http-client.ts";
import { allResults, waitForJob, type ResultItem } from "../support/job-polling.ts";
import {
  articleMainMarkdown,
  articleMarkdown,
  homeMarkdown,
  longParagraph,
  secondMarkdown,
  startMarkdownSite,
  type MarkdownSite,
} from "../support/markdown-site.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

// A small HTML_MAX_BYTES (the converter's input bound) that /article (about 3 KB) stays far below and /long crosses.
const HTML_MAX = 65_536;

let stack: TestStack<ApiHandle>;
let site: MarkdownSite;
let client: ReturnType<typeof apiClient>;

beforeAll(async () => {
  [stack, site] = await Promise.all([startTestStack({ api: "in-process", env: { HTML_MAX_BYTES: String(HTML_MAX) } }), startMarkdownSite()]);
  const ws = await stack.newWorkspace("markdown");
  await stack.prisma.workspace.update({ where: { id: ws.workspaceId }, data: { creditBalance: 1_000, maxConcurrency: 4 } });
  client = apiClient(stack.apiUrl, ws.apiKey);
});

afterAll(async () => {
  await stack?.stop();
  await site?.close();
});

const url = (path: string): string => `${site.origin}${path}`;

async function scrape(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await client.post("/v1/quick/scrape", body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Submits a batch or crawl, waits for it, and answers its items in order. */
async function collect(path: "/v1/quick/batch" | "/v1/quick/crawl", body: Record<string, unknown>): Promise<ResultItem[]> {
  const res = await client.post(path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const job = await waitForJob(client, res.body.id as string);
  expect(job.status).toBe("completed");
  return allResults(client, job.id);
}

const pick = (item: Record<string, unknown>) => ({ url: item.url, status: item.status, markdown: item.markdown, truncated: item.truncated });

describe("the markdown format", () => {
  it("scrape (sync) answers the page's Markdown, the whole body or only its main content, and reads it back from the job", async () => {
    const whole = await scrape({ url: url("/article"), formats: ["markdown"] });
    expect(whole).toMatchObject({ status: "completed", http_status: 200, title: "Parsing logs with awk", truncated: [] });
    expect(whole.markdown).toBe(articleMarkdown(site.origin));
    expect(whole).not.toHaveProperty("html");
    expect(whole).not.toHaveProperty("text");

    const main = await scrape({ url: url("/article"), formats: ["markdown", "text"], only_main_content: true });
    expect(main.markdown).toBe(articleMainMarkdown(site.origin));
    expect(main.text).toContain("Example Corp");

    // Stored with the other formats' payload and read back from it.
    const job = await client.get(`/v1/jobs/${main.job_id as string}`);
    expect(job.status).toBe(200);
    expect((job.body.result as Record<string, unknown>).markdown).toBe(articleMainMarkdown(site.origin));

    // Without "markdown" in formats there is none, only_main_content or not.
    const html = await scrape({ url: url("/second"), formats: ["html"], only_main_content: true });
    expect(html).not.toHaveProperty("markdown");
    expect(html.html).toContain("<h1>Second</h1>");
  });

  it("a batch converts every page, in submission order", async () => {
    const items = await collect("/v1/quick/batch", { urls: [url("/article"), url("/second"), url("/")], formats: ["markdown", "links"] });
    expect(items.map(pick)).toEqual([
      { url: url("/article"), status: "completed", markdown: articleMarkdown(site.origin), truncated: [] },
      { url: url("/second"), status: "completed", markdown: secondMarkdown(site.origin), truncated: [] },
      { url: url("/"), status: "completed", markdown: homeMarkdown(site.origin), truncated: [] },
    ]);
    expect(items[2]!.links).toEqual([url("/article"), url("/second")]);

    const main = await collect("/v1/quick/batch", { urls: [url("/article")], formats: ["markdown"], only_main_content: true });
    expect(main.map(pick)).toEqual([{ url: url("/article"), status: "completed", markdown: articleMainMarkdown(site.origin), truncated: [] }]);
  });

  it("a crawl converts every page it visits, in discovery order, links it followed not shown unless asked", async () => {
    const items = await collect("/v1/quick/crawl", { url: url("/article"), formats: ["markdown"], max_depth: 2 });
    expect(items.map(pick)).toEqual([
      { url: url("/article"), status: "completed", markdown: articleMarkdown(site.origin), truncated: [] },
      { url: url("/"), status: "completed", markdown: homeMarkdown(site.origin), truncated: [] },
      { url: url("/second"), status: "completed", markdown: secondMarkdown(site.origin), truncated: [] },
    ]);
    for (const item of items) expect(item).not.toHaveProperty("links");

    const main = await collect("/v1/quick/crawl", { url: url("/article"), formats: ["markdown"], max_depth: 0, only_main_content: true });
    expect(main.map(pick)).toEqual([{ url: url("/article"), status: "completed", markdown: articleMainMarkdown(site.origin), truncated: [] }]);
  });

  it("is cut at max_chars, and converts at most HTML_MAX_BYTES of the page, saying so in truncated", async () => {
    const whole = articleMarkdown(site.origin);
    const cut = await scrape({ url: url("/article"), formats: ["markdown", "html"], max_chars: 200 });
    expect(cut.markdown).toBe(whole.slice(0, 200));
    expect(cut.truncated).toEqual(["markdown"]);
    expect(cut.html).toContain("<footer>");

    // About 200 KB of paragraphs: the converter reads the first HTML_MAX characters of it, whatever max_chars allows.
    const long = await scrape({ url: url("/long?paragraphs=2000"), formats: ["markdown"], max_chars: 10_000_000 });
    const markdown = long.markdown as string;
    expect(long.truncated).toEqual(["markdown"]);
    expect(markdown.length).toBeGreaterThan(HTML_MAX / 2);
    expect(markdown.length).toBeLessThanOrEqual(HTML_MAX);
    expect(Array.from({ length: 2_000 }, (_, i) => longParagraph(i)).join("\n\n").startsWith(markdown)).toBe(true);

    // A batch item is bounded the same way.
    const items = await collect("/v1/quick/batch", { urls: [url("/article")], formats: ["markdown"], max_chars: 200 });
    expect(items.map(pick)).toEqual([{ url: url("/article"), status: "completed", markdown: whole.slice(0, 200), truncated: ["markdown"] }]);
  });

  it("refuses a non-boolean only_main_content", async () => {
    const res = await client.post("/v1/quick/scrape", { url: url("/article"), formats: ["markdown"], only_main_content: "yes" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "BAD_REQUEST" });
    expect(res.body.error).toContain("only_main_content");
  });
});
