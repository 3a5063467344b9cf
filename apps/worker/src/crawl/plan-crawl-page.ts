import {
  ALLOW_ALL_ROBOTS,
  CRAWL_PATTERN_BUDGET_MS,
  CrawlRulesError,
  createCrawlScope,
  parseRobotsTxt,
  robotsUrlFor,
  type CrawlRules,
  type CrawlScope,
  type RobotsRules,
} from "@browserfleet/core";
import type { DiscoveredUrl, PageOutcome, StartedItem } from "@browserfleet/db";
import type { Logger } from "pino";
import { readSiteFiles } from "./crawl-site-files.ts";
import { discoverUrls } from "./discover-urls.ts";

export interface CrawlPlan {
  rules: CrawlRules;
  /** Why robots.txt forbids this page (it is then not fetched); undefined when allowed. */
  refusal?: string;
  /** Why the crawl's own rules cannot run (the page then fails unfetched and adds nothing); undefined when they can. */
  rulesError?: string;
  /** The first page records the site's robots.txt for the pages after it. */
  robotsTxtToRecord?: string;
  /** The pages this one adds to the crawl, given how its render went. */
  discover(outcome: PageOutcome): DiscoveredUrl[];
}

/** The crawl's view of one page: robots rules (read from the site by the first page), then its discoveries. */
export async function planCrawlPage(item: StartedItem, rules: CrawlRules, egressUrl: string, log: Logger): Promise<CrawlPlan> {
  let scope: CrawlScope;
  try {
    scope = createCrawlScope({ startUrl: rules.start_url, allowSubdomains: rules.allow_subdomains, includePaths: rules.include_paths, excludePaths: rules.exclude_paths });
  } catch (err) {
    // Rules stored before patterns ran on RE2 may hold one it cannot run: fail clearly, never fall back to RegExp.
    if (!(err instanceof CrawlRulesError)) throw err;
    log.warn({ problems: err.problems }, "crawl rules cannot run; the page fails unfetched");
    return { rules, rulesError: `the crawl's rules cannot run, so no page is fetched: ${err.message}`, discover: () => [] };
  }
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
    discover: (outcome) => {
      const links = outcome.ok ? (outcome.links ?? []) : [];
      const found = discoverUrls({ rules, robots, links, pageUrl: outcome.finalUrl ?? item.url, sitemapUrls, scope });
      if (scope.budgetSpent()) {
        log.warn({ budget_ms: CRAWL_PATTERN_BUDGET_MS, links: links.length, followed: found.length }, "path patterns used up their time on this page; its remaining links are not followed");
      }
      return found;
    },
  };
  if (first) plan.robotsTxtToRecord = robotsTxt;
  if (rules.respect_robots_txt && !robots.isAllowed(item.url)) plan.refusal = "robots.txt disallows this page";
  return plan;
}
