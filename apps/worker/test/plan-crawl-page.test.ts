import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { CrawlRules } from "@browserfleet/core";
import type { StartedItem } from "@browserfleet/db";
import { planCrawlPage } from "../src/crawl/plan-crawl-page.ts";

const rules: CrawlRules = {
  start_url: "http://127.0.0.1:9/",
  limit: 50,
  max_depth: 3,
  include_paths: [],
  exclude_paths: [],
  allow_subdomains: false,
  ignore_query_parameters: true,
  respect_robots_txt: false,
  use_sitemap: false,
};

// Not the crawl's first page, so planning reads no robots.txt or sitemap: nothing here touches the network.
const item: StartedItem = {
  id: "00000000-0000-4000-8000-000000000001",
  jobId: "00000000-0000-4000-8000-000000000002",
  workspaceId: "00000000-0000-4000-8000-000000000003",
  seq: 1,
  url: "http://127.0.0.1:9/a",
  depth: 1,
  attempt: 1,
  kind: "crawl",
  params: {},
  crawlRobotsTxt: "",
  maxConcurrency: 4,
};
const log = pino({ level: "silent" });
const unreachableEgress = "http://127.0.0.1:9";
const page = (links: string[]) => ({ ok: true as const, finalUrl: item.url, title: "", links, httpStatus: 200, durationMs: 1 });

describe("planCrawlPage with rules stored before patterns ran on RE2", () => {
  it("fails the page clearly for a pattern RE2 cannot run, instead of running it on RegExp", async () => {
    const plan = await planCrawlPage(item, { ...rules, exclude_paths: ["^/ok", "(a)\\1"] }, unreachableEgress, log);
    expect(plan.rulesError).toMatch(/^the crawl's rules cannot run, so no page is fetched: exclude_paths\[1\]: backreferences such as \\1 are not supported/);
    expect(plan.discover(page(["/aa", "/b"]))).toEqual([]);
  });

  it("runs an old backtracking pattern on RE2: a 40-digit link is judged at once", async () => {
    const plan = await planCrawlPage(item, { ...rules, exclude_paths: ["(\\w|\\d)*x$"] }, unreachableEgress, log);
    expect(plan.rulesError).toBeUndefined();
    const digits = "1".repeat(40);
    const found = plan.discover(page([`/${digits}`, `/${digits}x`]));
    expect(found.map((d) => d.url)).toEqual([`http://127.0.0.1:9/${digits}`]);
  });
});
