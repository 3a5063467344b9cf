import { describe, expect, it } from "vitest";
import { isCollectionKind, isSinglePageKind, JOB_KINDS, parseJobParams } from "../src/index.ts";

const task = { formats: ["html", "links"], max_chars: 100, timeout_ms: 30_000, wait_until: "load", full_page: false };

describe("job params contract", () => {
  it("reads back what the API writes for a page, an extract and a crawl", () => {
    const crawl = {
      start_url: "http://127.0.0.1/",
      limit: 5,
      max_depth: 1,
      include_paths: [],
      exclude_paths: ["/private/*"],
      allow_subdomains: false,
      ignore_query_parameters: true,
      respect_robots_txt: true,
      use_sitemap: false,
    };
    for (const params of [
      { url: "http://127.0.0.1/", task, price: 1 },
      { url: "http://127.0.0.1/", task: { ...task, formats: ["text"] }, price: 2, prompt: "the price" },
      { task, price: 1, crawl },
    ]) {
      expect(parseJobParams(params)).toEqual({ ok: true, params });
    }
  });

  it("names what is wrong with a row that does not match, instead of throwing", () => {
    const parsed = parseJobParams({ task: { ...task, formats: "html" } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toContain("task.formats");
      expect(parsed.error).toContain("price");
    }
    expect(parseJobParams(null).ok).toBe(false);
  });
});

describe("job kinds", () => {
  it("splits the kinds into single pages and collections, with task in neither", () => {
    expect(JOB_KINDS.filter(isSinglePageKind)).toEqual(["scrape", "screenshot", "extract"]);
    expect(JOB_KINDS.filter(isCollectionKind)).toEqual(["batch", "crawl"]);
  });
});
