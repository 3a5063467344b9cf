import { afterAll, beforeAll, describe, it, type TestContext } from "vitest";
import { grantCredits } from "@browserfleet/db";
import { startCrawlSite, type CrawlSite, type CrawlSiteOptions } from "../support/crawl-site.ts";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

type Body = Record<string, unknown>;
type Client = ReturnType<typeof apiClient>;

interface ResultItem {
  url: string;
  final_url: string | null;
  status: "completed" | "failed";
  http_status: number | null;
  error_code: string | null;
  html?: string;
  text?: string;
  links?: string[];
}

interface CrawlRun {
  job: Body;
  items: ResultItem[];
  /** progress_total of every envelope seen, the 202 included. */
  totalsSeen: number[];
}

const CRAWL_TIMEOUT = 180_000;
const TERMINAL = ["completed", "failed", "cancelled"];

// Hand-computed from the graph in crawl-site.ts (defaults: depth 2, robots respected, sitemap used, query ignored).
const DEPTH_1 = ["/", "/a", "/b", "/c", "/moved", "/only-in-sitemap", "/only-in-index"];
const DEFAULT = [...DEPTH_1, "/a/1", "/a/2", "/b/deep/1", "/c/child", "/landed/child", "/only-in-sitemap/child"];
const WHOLE_SITE = [...DEFAULT, "/a/1/x", "/b/deep/2", "/b/deep/3", "/b/deep/4", "/b/deep/5", "/only-in-sitemap/child/grand"];
const WITHOUT_SITEMAP = ["/", "/a", "/b", "/c", "/moved", "/a/1", "/a/2", "/b/deep/1", "/c/child", "/landed/child"];

// One stack for the file, like useStackWithSite; each test brings its own crawl site and its own workspace, so hit
// counts, credits and jobs are its own, and the crawl tests run concurrently (describe.concurrent: assertions and
// cleanups go through each test's own context). The API only ever sees HTTP here, so it runs in-process. The one
// worker has 8 slots instead of 4 (each crawl stays capped at its workspace's max_concurrency, 4): the crawls in flight
// fill each other's gaps between depth levels, yet a 2-core machine is not asked for so many renders at once that a
// page nears its 30 s render timeout.
let stack: TestStack<ApiHandle>;
beforeAll(async () => {
  stack = await startTestStack({ api: "in-process", env: { WORKER_CONCURRENCY: "8" } });
});
afterAll(async () => {
  await stack?.stop();
});

async function newClient(name: string, grant = 0): Promise<Client> {
  const ws = await stack.newWorkspace(name);
  if (grant > 0) await grantCredits(stack.prisma, { workspaceId: ws.workspaceId, amount: grant, reason: "test grant" });
  return apiClient(stack.apiUrl, ws.apiKey);
}

async function siteForTest(t: TestContext, options: CrawlSiteOptions = {}): Promise<CrawlSite> {
  const site = await startCrawlSite(options);
  t.onTestFinished(() => site.close());
  return site;
}

async function crawl({ expect }: TestContext, client: Client, body: Body): Promise<CrawlRun> {
  const submitted = await client.post("/v1/quick/crawl", body);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
  expect(submitted.body).toMatchObject({ kind: "crawl", job_id: submitted.body.id });
  const id = submitted.body.id as string;
  const totalsSeen = [submitted.body.progress_total as number];
  let job: Body | undefined;
  while (job === undefined) {
    const res = await client.get(`/v1/jobs/${id}?wait=60`);
    expect(res.status).toBe(200);
    totalsSeen.push(res.body.progress_total as number);
    if (TERMINAL.includes(res.body.status as string)) job = res.body;
  }
  const items: ResultItem[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { items: ResultItem[]; next_cursor: string | null } } = await client.get(`/v1/jobs/${id}/results?limit=7${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.next_cursor;
  } while (cursor);
  return { job, items, totalsSeen };
}

/** The path and query the site saw for a URL of the crawl. */
const keyOf = (url: string): string => {
  const u = new URL(url);
  return u.pathname + u.search;
};

const urlsOf = (site: CrawlSite, paths: string[]): string[] => paths.map((p) => `${site.origin}${p}`).sort();
const resultUrls = (run: CrawlRun): string[] => run.items.map((i) => i.url).sort();

/** The crawl's normalization, restated for the test: no fragment, sorted (or no) query. */
function normalize(href: string, base: string, ignoreQuery: boolean): string | null {
  const url = new URL(href, base);
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.hash = "";
  if (ignoreQuery) url.search = "";
  else url.searchParams.sort();
  return url.href;
}

/**
 * What holds for every crawl: it completed with done == total == items; it charged exactly
 * its succeeded items; no URL twice; the site served each page at most once, and only pages
 * that are result items (so nothing disallowed or filtered was fetched); nothing off-origin was
 * asked; and each item after the first was discoverable from an earlier one or the sitemap.
 */
function expectCleanCrawl({ expect }: TestContext, site: CrawlSite, run: CrawlRun, options: { ignoreQuery?: boolean; limit?: number } = {}): void {
  const { job, items } = run;
  expect(job).toMatchObject({ status: "completed", error_code: null });
  expect(job.progress_done).toBe(job.progress_total);
  expect(items.length).toBe(job.progress_total);
  const succeeded = items.filter((i) => i.status === "completed").length;
  expect(job.progress_failed).toBe(items.length - succeeded);
  expect(job.credits_charged).toBe(succeeded);
  expect(job.result).toMatchObject({ succeeded, failed: items.length - succeeded });
  for (const total of run.totalsSeen) expect(total).toBeLessThanOrEqual(options.limit ?? 50);
  expect(new Set(items.map((i) => i.url)).size).toBe(items.length);

  const served = new Set(items.flatMap((i) => (i.status === "completed" ? [keyOf(i.url), ...(i.final_url ? [keyOf(i.final_url)] : [])] : [])));
  for (const [key, count] of site.pageHits()) {
    expect(count, `hits of ${key}`).toBe(1);
    expect(served.has(key), `${key} was fetched but is no result item`).toBe(true);
  }
  for (const item of items.filter((i) => i.status === "completed")) expect(site.hits(keyOf(item.url)), `hits of ${item.url}`).toBe(1);
  expect(site.offOriginHits()).toEqual([]);

  const ignoreQuery = options.ignoreQuery ?? true;
  const sitemap = new Set(site.sitemapUrls().map((u) => normalize(u, site.origin, ignoreQuery)));
  const known = new Set<string>();
  items.forEach((item, index) => {
    if (index > 0) expect(known.has(item.url) || sitemap.has(item.url), `${item.url} came before anything linking to it`).toBe(true);
    const base = item.final_url ?? item.url;
    for (const href of site.linksOf(new URL(base).pathname)) {
      const url = normalize(href, base, ignoreQuery);
      if (url) known.add(url);
    }
  });
}

describe.concurrent("crawl of a known site", () => {
  it(
    "with default options visits depth ≤ 2, same origin, robots-allowed, sitemap pages at depth 1, each once",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const client = await newClient("crawl-default");
      // No trailing slash: the start URL is normalized to `<origin>/`.
      const run = await crawl(t, client, { url: site.origin });
      expect(resultUrls(run)).toEqual(urlsOf(site, DEFAULT));
      expect(run.items[0]).toMatchObject({ url: `${site.origin}/`, status: "completed", http_status: 200, title: "crawl /" });
      // Default formats: html only; the links the crawl needed are not handed out unasked.
      expect(run.items[0]!.html).toContain("<h1>crawl /</h1>");
      expect(run.items[0]!.links).toBeUndefined();
      expect(run.items.find((i) => i.url === `${site.origin}/moved`)).toMatchObject({ status: "completed", final_url: `${site.origin}/landed` });
      expectCleanCrawl(t, site, run);
      // /a#frag is /a; disallowed pages were never asked for.
      expect(site.hits("/a")).toBe(1);
      expect(site.hits("/private/secret")).toBe(0);
      expect(site.hits("/private/in-sitemap")).toBe(0);
      expect(site.hits("/robots.txt")).toBe(1);
      expect(run.job.credits_charged).toBe(DEFAULT.length);
      // The reservation (limit × 1) is released down to what was charged.
      expect((await client.get("/v1/credits")).body.balance).toBe(100 - DEFAULT.length);
    },
    CRAWL_TIMEOUT,
  );

  it(
    "max_depth 0 fetches only the start page, with the formats asked for",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const run = await crawl(t, await newClient("crawl-depth-0"), { url: `${site.origin}/`, max_depth: 0, formats: ["text", "links"] });
      expect(resultUrls(run)).toEqual(urlsOf(site, ["/"]));
      expect(run.items[0]!.html).toBeUndefined();
      expect(run.items[0]!.text).toContain("crawl /");
      expect(run.items[0]!.links).toEqual(expect.arrayContaining([`${site.origin}/a`, `${site.origin}/c?x=1&y=2`, `${site.origin}/moved`]));
      expectCleanCrawl(t, site, run);
    },
    CRAWL_TIMEOUT,
  );

  it(
    "max_depth 1 adds the start page's links and the sitemap's URLs",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const run = await crawl(t, await newClient("crawl-depth-1"), { url: `${site.origin}/`, max_depth: 1 });
      expect(resultUrls(run)).toEqual(urlsOf(site, DEPTH_1));
      expectCleanCrawl(t, site, run);
    },
    CRAWL_TIMEOUT,
  );

  it(
    "max_depth 2 given explicitly equals the default, and fits a limit of exactly its size",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      // limit 13 is exactly the reachable set: disallowed (/private/…) and off-origin URLs take no room.
      const run = await crawl(t, await newClient("crawl-depth-2"), { url: `${site.origin}/`, max_depth: 2, limit: DEFAULT.length });
      expect(resultUrls(run)).toEqual(urlsOf(site, DEFAULT));
      expectCleanCrawl(t, site, run, { limit: DEFAULT.length });
    },
    CRAWL_TIMEOUT,
  );

  it(
    "max_depth 10 reaches the whole site; a limit of 500 needs more than the 100 signup credits",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const poor = await newClient("crawl-poor");
      const refused = await poor.post("/v1/quick/crawl", { url: `${site.origin}/`, max_depth: 10, limit: 500 });
      expect(refused.status).toBe(402);
      expect(refused.body.code).toBe("INSUFFICIENT_CREDIT");

      const client = await newClient("crawl-whole", 1000);
      const run = await crawl(t, client, { url: `${site.origin}/`, max_depth: 10, limit: 500 });
      expect(resultUrls(run)).toEqual(urlsOf(site, WHOLE_SITE));
      expectCleanCrawl(t, site, run, { limit: 500 });
      expect(site.hits("/private/leak")).toBe(0);
      expect((await client.get("/v1/credits")).body.balance).toBe(1100 - WHOLE_SITE.length);
    },
    CRAWL_TIMEOUT,
  );

  it(
    "limit smaller than the reachable set stops progress_total at the limit",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const client = await newClient("crawl-limit");
      const run = await crawl(t, client, { url: `${site.origin}/`, limit: 5 });
      expect(run.job).toMatchObject({ progress_total: 5, progress_done: 5, credits_charged: 5 });
      expect(run.items).toHaveLength(5);
      expect(run.items[0]!.url).toBe(`${site.origin}/`);
      for (const url of resultUrls(run)) expect(urlsOf(site, DEFAULT)).toContain(url);
      expectCleanCrawl(t, site, run, { limit: 5 });
      expect((await client.get("/v1/credits")).body.balance).toBe(95);
    },
    CRAWL_TIMEOUT,
  );
});

describe.concurrent("crawl path filters", () => {
  it(
    "include_paths keeps only matching pathnames (the start URL is fetched anyway); the others do not count toward limit",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      // limit 4 is exactly what matches: had /b, /c, … taken room, /a/1 or /a/2 would be missing.
      const run = await crawl(t, await newClient("crawl-include"), { url: `${site.origin}/`, include_paths: ["^/a"], limit: 4 });
      expect(resultUrls(run)).toEqual(urlsOf(site, ["/", "/a", "/a/1", "/a/2"]));
      expectCleanCrawl(t, site, run, { limit: 4 });
      expect(site.hits("/b")).toBe(0);
      expect(site.hits("/only-in-sitemap")).toBe(0);
    },
    CRAWL_TIMEOUT,
  );

  it(
    "exclude_paths keeps matching pathnames out, and they are never fetched",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const run = await crawl(t, await newClient("crawl-exclude"), { url: `${site.origin}/`, exclude_paths: ["^/b", "/child$"] });
      expect(resultUrls(run)).toEqual(urlsOf(site, ["/", "/a", "/c", "/moved", "/only-in-sitemap", "/only-in-index", "/a/1", "/a/2"]));
      expectCleanCrawl(t, site, run);
      expect(site.hits("/b")).toBe(0);
      expect(site.hits("/c/child")).toBe(0);
    },
    CRAWL_TIMEOUT,
  );

  it(
    "include and exclude together, deeper: exclusion wins; links of excluded pages are not followed",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const run = await crawl(t, await newClient("crawl-include-exclude"), {
        url: `${site.origin}/`,
        max_depth: 3,
        include_paths: ["^/(a|b)(/|$)"],
        exclude_paths: ["^/a/2$"],
      });
      expect(resultUrls(run)).toEqual(urlsOf(site, ["/", "/a", "/b", "/a/1", "/b/deep/1", "/a/1/x", "/b/deep/2"]));
      expectCleanCrawl(t, site, run);
    },
    CRAWL_TIMEOUT,
  );
});

describe.concurrent("crawl sitemap and robots.txt", () => {
  it(
    "use_sitemap false reads no sitemap and finds no sitemap-only page",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const run = await crawl(t, await newClient("crawl-no-sitemap"), { url: `${site.origin}/`, use_sitemap: false });
      expect(resultUrls(run)).toEqual(urlsOf(site, WITHOUT_SITEMAP));
      expectCleanCrawl(t, site, run);
      expect(site.hits("/sitemap.xml")).toBe(0);
      expect(site.hits("/sitemap_index.xml")).toBe(0);
    },
    CRAWL_TIMEOUT,
  );

  it(
    "respect_robots_txt false fetches the disallowed pages, still within depth",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const run = await crawl(t, await newClient("crawl-ignore-robots"), { url: `${site.origin}/`, respect_robots_txt: false });
      expect(resultUrls(run)).toEqual(urlsOf(site, [...DEFAULT, "/private/secret", "/private/in-sitemap"]));
      expectCleanCrawl(t, site, run);
      expect(site.hits("/private/leak")).toBe(0);
    },
    CRAWL_TIMEOUT,
  );

  it(
    "a site without robots.txt may be crawled everywhere; its default /sitemap.xml is still read",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t, { robotsTxt: false });
      const run = await crawl(t, await newClient("crawl-no-robots-file"), { url: `${site.origin}/` });
      // The sitemap index is named only in robots.txt, so /only-in-index stays unknown.
      const expected = [...DEFAULT.filter((p) => p !== "/only-in-index"), "/private/secret", "/private/in-sitemap"];
      expect(resultUrls(run)).toEqual(urlsOf(site, expected));
      expectCleanCrawl(t, site, run);
    },
    CRAWL_TIMEOUT,
  );

  it(
    "a site with neither robots.txt nor sitemaps is crawled from its links",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t, { robotsTxt: false, sitemap: false });
      const run = await crawl(t, await newClient("crawl-bare-site"), { url: `${site.origin}/` });
      expect(resultUrls(run)).toEqual(urlsOf(site, [...WITHOUT_SITEMAP, "/private/secret"]));
      expectCleanCrawl(t, site, run);
    },
    CRAWL_TIMEOUT,
  );

  it(
    "a start page disallowed by robots.txt is one failed ROBOTS_DISALLOWED item, never fetched, not charged",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const client = await newClient("crawl-start-disallowed");
      // Without the sitemap nothing else is known: a failed start page has no links to follow.
      const run = await crawl(t, client, { url: `${site.origin}/private/secret`, use_sitemap: false });
      expect(run.job).toMatchObject({ status: "completed", progress_total: 1, progress_done: 1, progress_failed: 1, credits_charged: 0 });
      expect(run.items).toEqual([expect.objectContaining({ url: `${site.origin}/private/secret`, status: "failed", error_code: "ROBOTS_DISALLOWED" })]);
      expect(site.pageHits().size).toBe(0);
      expect(site.offOriginHits()).toEqual([]);
      expect((await client.get("/v1/credits")).body.balance).toBe(100);
    },
    CRAWL_TIMEOUT,
  );
});

describe.concurrent("crawl query parameters", () => {
  it(
    "ignore_query_parameters true (default) collapses /c?… to /c, which is fetched without query",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const run = await crawl(t, await newClient("crawl-ignore-query"), { url: `${site.origin}/`, ignore_query_parameters: true, max_depth: 1 });
      expect(resultUrls(run)).toEqual(urlsOf(site, DEPTH_1));
      expectCleanCrawl(t, site, run);
      expect(site.hits("/c")).toBe(1);
      expect(site.hits("/c?x=1&y=2")).toBe(0);
      expect(site.hits("/c?y=2&x=1")).toBe(0);
    },
    CRAWL_TIMEOUT,
  );

  it(
    "ignore_query_parameters false keeps the query, sorted, so both /c links are one page",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const run = await crawl(t, await newClient("crawl-keep-query"), { url: `${site.origin}/`, ignore_query_parameters: false });
      expect(resultUrls(run)).toEqual(urlsOf(site, DEFAULT.map((p) => (p === "/c" ? "/c?x=1&y=2" : p))));
      expectCleanCrawl(t, site, run, { ignoreQuery: false });
      expect(site.hits("/c?x=1&y=2")).toBe(1);
      expect(site.hits("/c?y=2&x=1")).toBe(0);
      expect(site.hits("/c")).toBe(0);
    },
    CRAWL_TIMEOUT,
  );
});

// Runs alongside the crawls; its tests stay in order, as the last one checks what the others left behind.
describe.concurrent("crawl validation", () => {
  let client: Client;
  beforeAll(async () => {
    client = await newClient("crawl-validation");
  });

  it.sequential("answers 400 with details for a bad regex in include_paths or exclude_paths", async ({ expect }) => {
    const res = await client.post("/v1/quick/crawl", { url: "http://127.0.0.1:9/", include_paths: ["^/ok", "("], exclude_paths: ["[z-a]"] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "BAD_REQUEST", request_id: expect.any(String) });
    const paths = (res.body.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["include_paths.1", "exclude_paths.0"]));
    expect(paths).not.toContain("include_paths.0");
  });

  it.sequential("answers 400 for what RE2 cannot run (backreferences, lookarounds), naming each index and why", async ({ expect }) => {
    const res = await client.post("/v1/quick/crawl", { url: "http://127.0.0.1:9/", include_paths: ["^/docs/.*", "^/(?!admin)"], exclude_paths: ["(a)\\1", "(?<=/)x"] });
    expect(res.status).toBe(400);
    const details = res.body.details as { path: string; message: string }[];
    expect(details.map((d) => d.path)).toEqual(["include_paths.1", "exclude_paths.0", "exclude_paths.1"]);
    expect(details.map((d) => d.message.split(" are not supported")[0])).toEqual(["lookaheads such as (?!…)", "backreferences such as \\1", "lookbehinds such as (?<=…)"]);
    expect(details[0]!.message).toContain("RE2");
  });

  it.sequential("accepts patterns that backtrack on RegExp, such as (\\w|\\d)*x$: they run on RE2 in linear time", async ({ expect }) => {
    const own = await newClient("crawl-re2");
    const res = await own.post("/v1/quick/crawl", { url: "http://127.0.0.1:9/", exclude_paths: ["(\\w|\\d)*x$", "(a+)+$", "^/([a-z]+)*/x"], limit: 1 });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect((await own.post(`/v1/jobs/${res.body.id as string}/cancel`)).status).toBeLessThan(500);
  });

  it.sequential("answers 400 for limit 5001 and max_depth 11, naming each field", async ({ expect }) => {
    const res = await client.post("/v1/quick/crawl", { url: "http://127.0.0.1:9/", limit: 5001, max_depth: 11 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("BAD_REQUEST");
    expect((res.body.details as { path: string }[]).map((d) => d.path).sort()).toEqual(["limit", "max_depth"]);
  });

  it.sequential("answers 422 URL_NOT_ALLOWED for a private address", async ({ expect }) => {
    const res = await client.post("/v1/quick/crawl", { url: "http://10.0.0.1/" });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("URL_NOT_ALLOWED");
  });

  it.sequential("created no job and charged nothing for any refused request", async ({ expect }) => {
    const jobs = await client.get("/v1/jobs");
    expect(jobs.body.items).toEqual([]);
    expect((await client.get("/v1/credits")).body.balance).toBe(100);
  });
});

// Alone, after the concurrent crawls: its held pages wait on the long path, which must not be slowed towards the
// held pages' 30 s render timeout by the other crawls' renders.
describe("crawl depth is the shortest path", () => {
  it(
    "a shorter path found while a page waits or runs lowers its depth, so its links count from there",
    async (t) => {
      const { expect } = t;
      const site = await siteForTest(t);
      const client = await newClient("crawl-shortest");
      const itemAt = (path: string) => stack.prisma.jobItem.findFirst({ where: { url: `${site.origin}${path}` }, select: { status: true, depth: true } });
      const until = async (check: () => Promise<boolean> | boolean): Promise<void> => {
        while (!(await check())) await new Promise((r) => setTimeout(r, 50));
      };
      // The short path is slow: /sp/target is first found by the long one (depth 3) and runs, held, meanwhile.
      site.hold("/sp/short");
      site.hold("/sp/target");
      const running = crawl(t, client, { url: `${site.origin}/sp`, max_depth: 3, use_sitemap: false });
      running.catch(() => undefined); // awaited below; a failure above must not also surface as unhandled
      await until(() => site.hits("/sp/target") === 1 && site.hits("/sp/short") === 1);
      expect(await itemAt("/sp/target")).toEqual({ status: "running", depth: 3 });
      site.release("/sp/short");
      await until(async () => (await itemAt("/sp/short"))?.status === "completed");
      // Found again at depth 2 while running: its discoveries are counted from the stored, lowered depth.
      expect(await itemAt("/sp/target")).toEqual({ status: "running", depth: 2 });
      site.release("/sp/target");

      const run = await running;
      expect(resultUrls(run)).toEqual(urlsOf(site, ["/sp", "/sp/short", "/sp/long", "/sp/long/2", "/sp/target", "/sp/target/child"]));
      expect(await itemAt("/sp/target/child")).toEqual({ status: "completed", depth: 3 });
      expectCleanCrawl(t, site, run);
      expect(site.hits("/sp/target/child/grand")).toBe(0);
    },
    CRAWL_TIMEOUT,
  );
});
