import { ALLOW_ALL_ROBOTS, parseRobotsTxt, robotsUrlFor, type CrawlRules, type RobotsRules } from "@browserfleet/core";
import type { DiscoveredUrl, PageOutcome, StartedItem } from "@browserfleet/db";
import type { Logger } from "pino";
import { readSiteFiles } from "./crawl-site-files.ts";
import { discoverUrls } from "./discover-urls.ts";

export interface CrawlPlan {
  rules: CrawlRules;
  /** Why robots.txt forbids this page (it is then not fetched); undefined when allowed. */
  refusal?: string;
  /** The first page records the site's robots.txt for the pages after it. */
  robotsTxtToRecord?: string;
  /** The pages this one adds to the crawl, given how its render went. */
  discover(outcome: PageOutcome): DiscoveredUrl[];
}

/** The crawl's view of one page: robots rules (read from the site by the first page), then its discoveries. */
export async function planCrawlPage(item: StartedItem, rules: CrawlRules, egressUrl: string, log: Logger): Promise<CrawlPlan> {
  const first = item.seq === 0;
  let robotsTxt = item.crawlRobotsTxt ?? "";
  let sitemapUrls: string[] = [];
  if (first) {
    const files = await readSiteFiles(rules, egressUrl, log);
    robotsTxt = files.robotsTxt;
    sitemapUrls = files.sitemapUrls;
  }
  const robots: RobotsRules = rules.respect_robots_txt && robotsTxt !== "" ? parseRobotsTxt(robotsUrlFor(rules.start_url), robotsTxt) : ALLOW_ALL_ROBOTS;
  const plan: CrawlPlan = {
    rules,
    discover: (outcome) =>
      discoverUrls({
        rules,
        robots,
        links: outcome.ok ? (outcome.links ?? []) : [],
        pageUrl: outcome.finalUrl ?? item.url,
        depth: item.depth,
        sitemapUrls,
      }),
  };
  if (first) plan.robotsTxtToRecord = robotsTxt;
  if (rules.respect_robots_txt && !robots.isAllowed(item.url)) plan.refusal = "robots.txt disallows this page";
  return plan;
}
