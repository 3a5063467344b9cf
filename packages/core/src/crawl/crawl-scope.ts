import { normalizeCrawlUrl } from "./normalize-url.ts";
import { compilePathPatterns, type PathPattern, type PathPatternProblem } from "./path-pattern.ts";

/** A crawl never visits a URL whose path is longer: no pattern ever runs on more than this many characters. */
export const MAX_CRAWL_PATH_LENGTH = 2_048;
/** Matching time one scope (one page's links) may spend on path patterns before it stops following links. */
export const CRAWL_PATTERN_BUDGET_MS = 1_000;

export interface CrawlScopeOptions {
  startUrl: string;
  allowSubdomains: boolean;
  /** Regex sources matched against the URL's pathname; when any are given, one must match. */
  includePaths: string[];
  /** Regex sources matched against the URL's pathname; a match keeps the URL out. */
  excludePaths: string[];
  /** Total time the patterns may run over this scope's life; past it every check answers `budget_spent`. */
  patternBudgetMs?: number;
}

export type CrawlScopeVerdict =
  | { ok: true }
  | { ok: false; reason: "off_origin" | "excluded" | "not_included" | "path_too_long" | "budget_spent" };

export interface CrawlScope {
  origin: string;
  check(url: string): CrawlScopeVerdict;
  /** True once the patterns have used up their time: the rest of the links are not followed. */
  budgetSpent(): boolean;
}

/** A crawl's rules cannot run (e.g. a pattern stored before patterns ran on RE2): the crawl fails rather than guess. */
export class CrawlRulesError extends TypeError {
  constructor(
    message: string,
    readonly problems: (PathPatternProblem & { field: "include_paths" | "exclude_paths" })[] = [],
  ) {
    super(message);
    this.name = "CrawlRulesError";
  }
}

function compileList(field: "include_paths" | "exclude_paths", sources: string[]): PathPattern[] {
  const compiled = compilePathPatterns(sources);
  if (compiled.ok) return compiled.patterns;
  const problems = compiled.problems.map((p) => ({ ...p, field }));
  const first = problems[0]!;
  throw new CrawlRulesError(`${field}[${first.index}]: ${first.message}`, problems);
}

/**
 * Which URLs a crawl may visit: the start URL's origin (or its subdomains, on request),
 * filtered by path patterns the way Firecrawl applies them (regex on the pathname), run on
 * RE2 so a check costs at most a pattern's program size times the (bounded) path length.
 */
export function createCrawlScope(options: CrawlScopeOptions): CrawlScope {
  const normalized = normalizeCrawlUrl(options.startUrl, undefined, { ignoreQueryParameters: false });
  if (normalized === null) throw new CrawlRulesError(`invalid crawl start URL: ${options.startUrl}`);
  const start = new URL(normalized);
  const include = compileList("include_paths", options.includePaths);
  const exclude = compileList("exclude_paths", options.excludePaths);
  const budgetMs = options.patternBudgetMs ?? CRAWL_PATTERN_BUDGET_MS;
  let spentMs = 0;

  const onOrigin = (url: URL): boolean => {
    if (url.protocol !== start.protocol || url.port !== start.port) return false;
    if (url.hostname === start.hostname) return true;
    return options.allowSubdomains && url.hostname.endsWith(`.${start.hostname}`);
  };
  // Linear time per match is still work: the page's links share one budget, checked between matches.
  const matchesAny = (patterns: PathPattern[], path: string): boolean | "spent" => {
    for (const pattern of patterns) {
      if (spentMs >= budgetMs) return "spent";
      const began = performance.now();
      const hit = pattern.test(path);
      spentMs += performance.now() - began;
      if (hit) return true;
    }
    return false;
  };

  return {
    origin: start.origin,
    budgetSpent: () => spentMs >= budgetMs,
    check(raw: string): CrawlScopeVerdict {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return { ok: false, reason: "off_origin" };
      }
      if (!onOrigin(url)) return { ok: false, reason: "off_origin" };
      const path = url.pathname;
      if (path.length > MAX_CRAWL_PATH_LENGTH) return { ok: false, reason: "path_too_long" };
      const excluded = matchesAny(exclude, path);
      if (excluded === "spent") return { ok: false, reason: "budget_spent" };
      if (excluded) return { ok: false, reason: "excluded" };
      if (include.length === 0) return { ok: true };
      const included = matchesAny(include, path);
      if (included === "spent") return { ok: false, reason: "budget_spent" };
      return included ? { ok: true } : { ok: false, reason: "not_included" };
    },
  };
}
