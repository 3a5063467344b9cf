import robotsParserCjs from "robots-parser";

// robots-parser is CommonJS typed as if it had an ES default export; Node (and vitest) hand ESM its module.exports, the function itself.
const robotsParser = robotsParserCjs as unknown as typeof robotsParserCjs.default;

export interface RobotsRules {
  isAllowed(url: string): boolean;
  sitemaps: string[];
}

/** The product token our groups are looked up by in robots.txt; `*` groups apply when there is none. */
const ROBOTS_USER_AGENT = "browserfleet";

/** For a robots.txt that is missing or answers 4xx: everything may be crawled. */
export const ALLOW_ALL_ROBOTS: RobotsRules = Object.freeze({
  isAllowed: () => true,
  // A fresh array each time so no caller can mutate a shared one.
  get sitemaps(): string[] {
    return [];
  },
});

/** `<origin>/robots.txt` of the crawl's start URL. */
export function robotsUrlFor(startUrl: string): string {
  return `${new URL(startUrl).origin}/robots.txt`;
}

/** Absolute http(s) sitemap URLs from `Sitemap:` lines, relative ones resolved against the robots file. */
function resolveSitemaps(robotsUrl: string, raw: string[]): string[] {
  const out = new Set<string>();
  for (const entry of raw) {
    try {
      const url = new URL(entry, robotsUrl);
      if (url.protocol === "http:" || url.protocol === "https:") out.add(url.href);
    } catch {
      // An unparsable Sitemap line is ignored, like any other malformed robots line.
    }
  }
  return [...out];
}

/** Rules of one robots.txt body fetched from `robotsUrl`; URLs on other origins are not its business and count as allowed. */
export function parseRobotsTxt(robotsUrl: string, body: string): RobotsRules {
  // A leading BOM would hide the first `User-agent` line from the parser.
  const robots = robotsParser(robotsUrl, body.replace(/^\uFEFF/, ""));
  const sitemaps = resolveSitemaps(robotsUrl, robots.getSitemaps());
  return {
    isAllowed: (url: string) => robots.isAllowed(url, ROBOTS_USER_AGENT) ?? true,
    sitemaps,
  };
}
