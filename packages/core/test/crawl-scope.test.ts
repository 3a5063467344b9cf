import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  CrawlRulesError,
  MAX_CRAWL_PATH_LENGTH,
  MAX_PATH_PATTERN_SIZE,
  compilePathPattern,
  compilePathPatterns,
  createCrawlScope,
  type CrawlScopeOptions,
  type CrawlScopeVerdict,
} from "../src/index.ts";
import { estimatePatternSize } from "../src/crawl/estimate-pattern-size.ts";

const base = { startUrl: "https://example.com/docs/", allowSubdomains: false, includePaths: [], excludePaths: [] };

describe("createCrawlScope", () => {
  it("reports the normalized start origin", () => {
    expect(createCrawlScope({ ...base, startUrl: "HTTPS://Example.COM:443/docs#x" }).origin).toBe("https://example.com");
    expect(createCrawlScope({ ...base, startUrl: "http://localhost:8080/" }).origin).toBe("http://localhost:8080");
  });

  it("keeps a crawl on its origin: same scheme, host and port", () => {
    const scope = createCrawlScope(base);
    expect(scope.check("https://example.com/")).toEqual({ ok: true });
    expect(scope.check("https://example.com:443/blog")).toEqual({ ok: true });
    expect(scope.check("http://example.com/")).toEqual({ ok: false, reason: "off_origin" });
    expect(scope.check("https://example.com:8443/")).toEqual({ ok: false, reason: "off_origin" });
    expect(scope.check("https://other.org/")).toEqual({ ok: false, reason: "off_origin" });
    expect(scope.check("https://www.example.com/")).toEqual({ ok: false, reason: "off_origin" });
    expect(scope.check("mailto:a@example.com")).toEqual({ ok: false, reason: "off_origin" });
    expect(scope.check("not a url")).toEqual({ ok: false, reason: "off_origin" });
  });

  it("lets subdomains in only when allowed, and never look-alike hosts", () => {
    const scope = createCrawlScope({ ...base, allowSubdomains: true });
    expect(scope.check("https://example.com/a")).toEqual({ ok: true });
    expect(scope.check("https://blog.example.com/a")).toEqual({ ok: true });
    expect(scope.check("https://a.b.example.com/a")).toEqual({ ok: true });
    expect(scope.check("https://evilexample.com/a")).toEqual({ ok: false, reason: "off_origin" });
    expect(scope.check("https://example.com.evil.org/a")).toEqual({ ok: false, reason: "off_origin" });
    expect(scope.check("http://blog.example.com/a")).toEqual({ ok: false, reason: "off_origin" });
    expect(scope.check("https://blog.example.com:8443/a")).toEqual({ ok: false, reason: "off_origin" });
    expect(createCrawlScope(base).check("https://blog.example.com/a")).toEqual({ ok: false, reason: "off_origin" });
  });

  it("matches include and exclude patterns against the pathname only", () => {
    const scope = createCrawlScope({ ...base, includePaths: ["^/blog/"] });
    expect(scope.check("https://example.com/blog/post-1")).toEqual({ ok: true });
    expect(scope.check("https://example.com/about?next=/blog/")).toEqual({ ok: false, reason: "not_included" });
    expect(scope.check("https://example.com/about#/blog/")).toEqual({ ok: false, reason: "not_included" });
  });

  it("needs one include match when includes are given, and no exclude match", () => {
    const scope = createCrawlScope({
      ...base,
      includePaths: ["^/blog/", "^/docs/"],
      excludePaths: ["/drafts/", "\\.pdf$"],
    });
    expect(scope.check("https://example.com/blog/a")).toEqual({ ok: true });
    expect(scope.check("https://example.com/docs/b")).toEqual({ ok: true });
    expect(scope.check("https://example.com/shop/c")).toEqual({ ok: false, reason: "not_included" });
    expect(scope.check("https://example.com/blog/drafts/x")).toEqual({ ok: false, reason: "excluded" });
    expect(scope.check("https://example.com/docs/manual.pdf")).toEqual({ ok: false, reason: "excluded" });
    // Excluded wins over not-included when both apply.
    expect(scope.check("https://example.com/shop/drafts/")).toEqual({ ok: false, reason: "excluded" });
    // Off-origin is decided before any path rule.
    expect(scope.check("https://other.org/blog/a")).toEqual({ ok: false, reason: "off_origin" });
  });

  it("runs patterns without flags: case-sensitive, and repeatable (no lastIndex state)", () => {
    const scope = createCrawlScope({ ...base, excludePaths: ["^/Private"] });
    expect(scope.check("https://example.com/private/a")).toEqual({ ok: true });
    expect(scope.check("https://example.com/Private/a")).toEqual({ ok: false, reason: "excluded" });
    expect(scope.check("https://example.com/Private/a")).toEqual({ ok: false, reason: "excluded" });
  });

  it("refuses a bad start URL or pattern", () => {
    expect(() => createCrawlScope({ ...base, startUrl: "ftp://example.com/" })).toThrow(TypeError);
    expect(() => createCrawlScope({ ...base, startUrl: "nope" })).toThrow(TypeError);
    expect(() => createCrawlScope({ ...base, includePaths: ["(unclosed"] })).toThrow(TypeError);
    expect(() => createCrawlScope({ ...base, excludePaths: ["[z-a]"] })).toThrow(TypeError);
  });
});

/** The scope's checks in a child process: a check that blocks its event loop is killed, and the test fails instead of hanging. */
function checkElsewhere(options: CrawlScopeOptions, urls: string[], timeoutMs = 60_000): Promise<CrawlScopeVerdict[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", new URL("./support/check-crawl-scope.ts", import.meta.url).pathname, JSON.stringify({ options, urls })], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the checks did not finish within ${timeoutMs} ms: a pattern held the event loop`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as CrawlScopeVerdict[]);
      else reject(new Error(`checker exited with ${code}`));
    });
  });
}

describe("path patterns run in linear time", () => {
  it("checks a 40-digit path against (\\w|\\d)*x$, which backtracks for hours on RegExp, at once", async () => {
    const digits = "1".repeat(40);
    const verdicts = await checkElsewhere({ ...base, excludePaths: ["(\\w|\\d)*x$", "^/(a+)+$"] }, [
      `https://example.com/${digits}`,
      `https://example.com/${digits}x`,
      `https://example.com/${"a".repeat(60)}`,
      `https://example.com/${"a".repeat(60)}!`,
    ]);
    expect(verdicts).toEqual([{ ok: true }, { ok: false, reason: "excluded" }, { ok: false, reason: "excluded" }, { ok: true }]);
  });

  it("never runs a pattern on a path longer than the bound: the URL is not visited", () => {
    const scope = createCrawlScope({ ...base, includePaths: ["^/"] });
    const longest = `/${"a".repeat(MAX_CRAWL_PATH_LENGTH - 1)}`;
    expect(scope.check(`https://example.com${longest}`)).toEqual({ ok: true });
    expect(scope.check(`https://example.com${longest}a`)).toEqual({ ok: false, reason: "path_too_long" });
    // Without any pattern too, so the rule is the same whatever the filters.
    expect(createCrawlScope(base).check(`https://example.com${longest}a`)).toEqual({ ok: false, reason: "path_too_long" });
  });

  it("stops running patterns once its time budget is spent, before origin and length rules change", () => {
    const scope = createCrawlScope({ ...base, excludePaths: ["/private/"], patternBudgetMs: 0 });
    expect(scope.budgetSpent()).toBe(true);
    expect(scope.check("https://example.com/private/a")).toEqual({ ok: false, reason: "budget_spent" });
    expect(scope.check("https://other.org/a")).toEqual({ ok: false, reason: "off_origin" });
    // No pattern to run: nothing to spend.
    expect(createCrawlScope({ ...base, patternBudgetMs: 0 }).check("https://example.com/a")).toEqual({ ok: true });
    const fresh = createCrawlScope({ ...base, excludePaths: ["/private/"] });
    expect(fresh.check("https://example.com/private/a")).toEqual({ ok: false, reason: "excluded" });
    expect(fresh.budgetSpent()).toBe(false);
  });

  it("refuses rules RE2 cannot run with a CrawlRulesError naming the field and index, never falling back to RegExp", () => {
    let thrown: unknown;
    try {
      createCrawlScope({ ...base, includePaths: ["^/ok"], excludePaths: ["^/fine", "(a)\\1"] });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CrawlRulesError);
    expect((thrown as CrawlRulesError).message).toMatch(/^exclude_paths\[1\]: backreferences/);
    expect((thrown as CrawlRulesError).problems).toEqual([{ field: "exclude_paths", index: 1, message: expect.stringContaining("backreferences") }]);
  });
});

describe("compilePathPattern", () => {
  it("compiles valid patterns to RE2, matching anywhere in the path like RegExp.test", () => {
    const compiled = compilePathPattern("^/blog/.*$");
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(compiled.pattern.test("/blog/x")).toBe(true);
    expect(compiled.pattern.test("/x/blog/")).toBe(false);
    const anywhere = compilePathPattern("\\.pdf$");
    expect(anywhere.ok && anywhere.pattern.test("/docs/a.pdf")).toBe(true);
    // Named groups in both spellings, and nested quantifiers: all safe on RE2.
    for (const p of ["(?<slug>[a-z]+)/x", "(?P<slug>[a-z]+)/x", "(a+)+$", "^/([a-z]+)*/x", "(\\w|\\d)*x$", "(.*a){100}"]) {
      expect(compilePathPattern(p).ok, p).toBe(true);
    }
  });

  it.each(["(", "[", "*abc", "a{2,1}", "(?<n>a)(?<n>b)", "a{1001}", "(?>atomic)", "a++"])("says why %s is not a valid regular expression", (p) => {
    const compiled = compilePathPattern(p);
    expect(compiled.ok).toBe(false);
    expect(!compiled.ok && compiled.reason).toMatch(/^not a valid regular expression \(.+\); patterns use RE2 syntax/);
  });

  it.each([
    ["(a)\\1", "backreferences such as \\1"],
    ["(?<n>a)\\k<n>", "backreferences such as \\k"],
    ["^/(?=docs)", "lookaheads such as (?=…)"],
    ["^/(?!admin)", "lookaheads such as (?!…)"],
    ["(?<=/)x", "lookbehinds such as (?<=…)"],
    ["(?<!/)x", "lookbehinds such as (?<!…)"],
  ])("names what RE2 lacks in %s", (p, why) => {
    const compiled = compilePathPattern(p);
    expect(!compiled.ok && compiled.reason).toBe(`${why} are not supported; patterns use RE2 syntax and run in linear time: https://github.com/google/re2/wiki/Syntax`);
  });

  it("refuses a pattern whose program is too large, and one far too large without compiling it", () => {
    expect(compilePathPattern("[a-z]{990}").ok).toBe(true);
    const large = compilePathPattern("(?:[a-z]/){600}");
    expect(!large.ok && large.reason).toBe(`pattern is too complex: it compiles to 1202 instructions, at most ${MAX_PATH_PATTERN_SIZE}; use smaller repetition counts`);
    // This one would take RE2 about a third of a second to compile.
    const huge = compilePathPattern(`(?:${"abcdefghij".repeat(50)}){1000}`);
    expect(!huge.ok && huge.reason).toMatch(/^pattern is too complex: it compiles to about \d+ instructions/);
    expect(compilePathPattern("").ok).toBe(false);
    expect(compilePathPattern("a".repeat(513)).ok).toBe(false);
  });

  it("estimates a program's size from the text within a small factor of RE2's count", () => {
    for (const [p, real] of [["^/blog/", 9], ["(.*a){199}", 997], ["[a-z]{1000}", 1002], ["((a{10}){10}){10}", 1222], ["\\Qabc{}\\E{300}", 306], ["[[:alpha:]]{500}", 502]] as const) {
      const estimate = estimatePatternSize(p);
      expect(estimate, p).toBeGreaterThanOrEqual(real / 2);
      expect(estimate, p).toBeLessThanOrEqual(real * 2);
    }
  });
});

describe("compilePathPatterns", () => {
  it("bounds a list's programs together and stops compiling past the bound", () => {
    expect(compilePathPatterns(["^/a", "^/b"]).ok).toBe(true);
    const listed = compilePathPatterns([...Array.from({ length: 6 }, () => "[a-z]{900}"), "(", "(a)\\1"]);
    expect(listed.ok).toBe(false);
    if (listed.ok) return;
    expect(listed.problems.map((p) => p.index)).toEqual([5, 6, 7]);
    expect(listed.problems[0]!.message).toMatch(/together, at most 5000$/);
    expect(listed.problems[1]!.message).toMatch(/^not checked/);
  });
});
