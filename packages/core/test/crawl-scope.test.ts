import { describe, expect, it } from "vitest";
import { compilePathPattern, createCrawlScope } from "../src/index.ts";

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

describe("compilePathPattern", () => {
  it("compiles valid patterns without flags", () => {
    const re = compilePathPattern("^/blog/.*$");
    expect(re).toBeInstanceOf(RegExp);
    expect(re?.flags).toBe("");
    expect(re?.test("/blog/x")).toBe(true);
  });

  it.each(["(", "[", "*abc", "a{2,1}", "(?<n>a)(?<n>b)"])("returns null for the invalid pattern %s", (p) => {
    expect(compilePathPattern(p)).toBeNull();
  });
});
