import { fetchThroughEgress } from "@browserfleet/egress";
import { normalizeCrawlUrl, parseRobotsTxt, parseSitemap, robotsUrlFor, sitemapUrlFor, type CrawlRules } from "@browserfleet/core";
import type { Logger } from "pino";

const SITE_FILE_TIMEOUT_MS = 10_000;
const ROBOTS_MAX_BYTES = 512 * 1024;
const SITEMAP_MAX_BYTES = 10 * 1024 * 1024;
/** Child sitemaps read from a sitemap index, and entries kept overall: a crawl is bounded by its limit anyway. */
const MAX_CHILD_SITEMAPS = 20;

export interface SiteFiles {
  /** robots.txt as fetched; "" when the site has none (or the crawl ignores it). */
  robotsTxt: string;
  sitemapUrls: string[];
}

/**
 * The first page of a crawl reads the site's robots.txt and sitemap(s), through the egress
 * proxy like every other request of the worker. A missing or unreadable file means "no rules"
 * and "no sitemap": the crawl goes on from its links.
 */
export async function readSiteFiles(rules: CrawlRules, proxyUrl: string, logger: Logger): Promise<SiteFiles> {
  const robotsUrl = robotsUrlFor(rules.start_url);
  const robotsTxt = rules.respect_robots_txt || rules.use_sitemap ? await fetchText(robotsUrl, ROBOTS_MAX_BYTES, proxyUrl, logger) : "";
  if (!rules.use_sitemap || rules.max_depth < 1) return { robotsTxt: rules.respect_robots_txt ? robotsTxt : "", sitemapUrls: [] };
  const sitemaps = [...new Set([...parseRobotsTxt(robotsUrl, robotsTxt).sitemaps, sitemapUrlFor(rules.start_url)])];
  const found: string[] = [];
  const queue = sitemaps.slice(0, MAX_CHILD_SITEMAPS);
  const readSitemaps = new Set<string>();
  while (queue.length > 0 && readSitemaps.size < MAX_CHILD_SITEMAPS && found.length < rules.limit * 4) {
    const next = queue.shift()!;
    if (readSitemaps.has(next)) continue;
    readSitemaps.add(next);
    const parsed = parseSitemap(await fetchText(next, SITEMAP_MAX_BYTES, proxyUrl, logger));
    if (parsed.kind === "index") queue.push(...parsed.locs.filter((loc) => normalizeCrawlUrl(loc, next, { ignoreQueryParameters: false }) !== null));
    else found.push(...parsed.locs);
  }
  return { robotsTxt: rules.respect_robots_txt ? robotsTxt : "", sitemapUrls: found };
}

async function fetchText(url: string, maxBytes: number, proxyUrl: string, logger: Logger): Promise<string> {
  const answer = await fetchThroughEgress(url, { proxyUrl, timeoutMs: SITE_FILE_TIMEOUT_MS, maxBytes });
  if (!answer.ok) {
    logger.info({ url, reason: answer.reason }, "site file not read");
    return "";
  }
  if (answer.status < 200 || answer.status >= 300) return "";
  return answer.body;
}
