import { createCrawlScope, normalizeCrawlUrl, type CrawlRules, type RobotsRules } from "@browserfleet/core";
import type { DiscoveredUrl } from "@browserfleet/db";

export interface DiscoveryInput {
  rules: CrawlRules;
  robots: RobotsRules;
  /** Links of the page just rendered, with the URL it landed on (relative links resolve there). */
  links: string[];
  pageUrl: string;
  /** Depth of the page the links were found on. */
  depth: number;
  /** URLs from the sitemap (first page only); they count as depth 1. */
  sitemapUrls?: string[];
}

/**
 * What a crawl page adds to the frontier: its links (one hop deeper) then the sitemap's URLs,
 * normalized, within the crawl's origin and path filters, allowed by robots.txt, and within
 * max_depth. Dedupe against pages already known and the limit happen in the database.
 */
export function discoverUrls(input: DiscoveryInput): DiscoveredUrl[] {
  const { rules } = input;
  const scope = createCrawlScope({ startUrl: rules.start_url, allowSubdomains: rules.allow_subdomains, includePaths: rules.include_paths, excludePaths: rules.exclude_paths });
  const out: DiscoveredUrl[] = [];
  const consider = (raw: string, base: string, depth: number): void => {
    if (depth > rules.max_depth) return;
    const url = normalizeCrawlUrl(raw, base, { ignoreQueryParameters: rules.ignore_query_parameters });
    if (url === null || !scope.check(url).ok) return;
    if (rules.respect_robots_txt && !input.robots.isAllowed(url)) return;
    out.push({ url, urlKey: url, depth });
  };
  // A page that redirected off the crawl's origin is not followed further.
  const landed = scope.check(input.pageUrl);
  if (landed.ok || landed.reason !== "off_origin") {
    for (const link of input.links) consider(link, input.pageUrl, input.depth + 1);
  }
  for (const url of input.sitemapUrls ?? []) consider(url, rules.start_url, 1);
  return out;
}
