import { createCrawlScope, normalizeCrawlUrl, type CrawlRules, type CrawlScope, type RobotsRules } from "@browserfleet/core";
import type { DiscoveredUrl } from "@browserfleet/db";

export interface DiscoveryInput {
  rules: CrawlRules;
  robots: RobotsRules;
  /** Links of the page just rendered, with the URL it landed on (relative links resolve there). */
  links: string[];
  pageUrl: string;
  /** URLs from the sitemap (first page only); they count as depth 1. */
  sitemapUrls?: string[];
  /** The crawl's scope, when the caller built it already (its pattern budget then spans this call). */
  scope?: CrawlScope;
}

/**
 * What a crawl page adds to the frontier: its links (one hop deeper) then the sitemap's URLs,
 * normalized, within the crawl's origin and path filters and allowed by robots.txt. Depth, max_depth,
 * dedupe and the limit are applied in the database, from the page's depth as stored when it completes.
 */
export function discoverUrls(input: DiscoveryInput): DiscoveredUrl[] {
  const { rules } = input;
  const scope = input.scope ?? createCrawlScope({ startUrl: rules.start_url, allowSubdomains: rules.allow_subdomains, includePaths: rules.include_paths, excludePaths: rules.exclude_paths });
  const out: DiscoveredUrl[] = [];
  const consider = (raw: string, base: string, via: DiscoveredUrl["via"]): void => {
    const url = normalizeCrawlUrl(raw, base, { ignoreQueryParameters: rules.ignore_query_parameters });
    if (url === null || !scope.check(url).ok) return;
    if (rules.respect_robots_txt && !input.robots.isAllowed(url)) return;
    out.push({ url, urlKey: url, via });
  };
  // A page that redirected off the crawl's origin is not followed further.
  const landed = scope.check(input.pageUrl);
  if (landed.ok || landed.reason !== "off_origin") {
    for (const link of input.links) consider(link, input.pageUrl, "link");
  }
  for (const url of input.sitemapUrls ?? []) consider(url, rules.start_url, "sitemap");
  return out;
}
