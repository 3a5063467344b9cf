import { normalizeCrawlUrl } from "./normalize-url.ts";

export interface CrawlScopeOptions {
  startUrl: string;
  allowSubdomains: boolean;
  /** Regex sources matched against the URL's pathname; when any are given, one must match. */
  includePaths: string[];
  /** Regex sources matched against the URL's pathname; a match keeps the URL out. */
  excludePaths: string[];
}

export type CrawlScopeVerdict = { ok: true } | { ok: false; reason: "off_origin" | "excluded" | "not_included" };

export interface CrawlScope {
  origin: string;
  check(url: string): CrawlScopeVerdict;
}

/** A user's include/exclude pattern as the crawl runs it; null when it is not a valid regex. */
export function compilePathPattern(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern);
  } catch {
    return null;
  }
}

function compileAll(patterns: string[]): RegExp[] {
  return patterns.map((p) => {
    const re = compilePathPattern(p);
    if (re === null) throw new TypeError(`invalid path pattern: ${p}`);
    return re;
  });
}

/**
 * Which URLs a crawl may visit: the start URL's origin (or its subdomains, on request),
 * filtered by path patterns the way Firecrawl applies them (regex on the pathname).
 */
export function createCrawlScope(options: CrawlScopeOptions): CrawlScope {
  const normalized = normalizeCrawlUrl(options.startUrl, undefined, { ignoreQueryParameters: false });
  if (normalized === null) throw new TypeError(`invalid crawl start URL: ${options.startUrl}`);
  const start = new URL(normalized);
  const include = compileAll(options.includePaths);
  const exclude = compileAll(options.excludePaths);

  const onOrigin = (url: URL): boolean => {
    if (url.protocol !== start.protocol || url.port !== start.port) return false;
    if (url.hostname === start.hostname) return true;
    return options.allowSubdomains && url.hostname.endsWith(`.${start.hostname}`);
  };

  return {
    origin: start.origin,
    check(raw: string): CrawlScopeVerdict {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return { ok: false, reason: "off_origin" };
      }
      if (!onOrigin(url)) return { ok: false, reason: "off_origin" };
      const path = url.pathname;
      if (exclude.some((re) => re.test(path))) return { ok: false, reason: "excluded" };
      if (include.length > 0 && !include.some((re) => re.test(path))) return { ok: false, reason: "not_included" };
      return { ok: true };
    },
  };
}
