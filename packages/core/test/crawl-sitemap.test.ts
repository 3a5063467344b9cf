import { describe, expect, it } from "vitest";
import { parseSitemap, sitemapUrlFor } from "../src/index.ts";

const URLSET = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://example.com/</loc>
    <lastmod>2024-01-01</lastmod>
  </url>
  <url><loc>
      https://example.com/about
  </loc></url>
  <url>
    <loc>https://example.com/photos</loc>
    <image:image><image:loc>https://example.com/cat.jpg</image:loc></image:image>
  </url>
</urlset>`;

describe("parseSitemap", () => {
  it("reads a urlset's page locs, trimmed, and skips extension locs such as image:loc", () => {
    expect(parseSitemap(URLSET)).toEqual({
      kind: "urlset",
      locs: ["https://example.com/", "https://example.com/about", "https://example.com/photos"],
    });
  });

  it("recognizes a sitemap index", () => {
    const xml = `<?xml version="1.0"?>
      <!-- generated -->
      <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>https://example.com/sitemap-1.xml</loc></sitemap>
        <sitemap><loc>https://example.com/sitemap-2.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
      </sitemapindex>`;
    expect(parseSitemap(xml)).toEqual({
      kind: "index",
      locs: ["https://example.com/sitemap-1.xml", "https://example.com/sitemap-2.xml"],
    });
  });

  it("does not take the kind from a comment or a doctype", () => {
    const xml = `<!DOCTYPE urlset><!-- <sitemapindex> --><urlset><url><loc>https://example.com/a</loc></url></urlset>`;
    expect(parseSitemap(xml).kind).toBe("urlset");
  });

  it("accepts a namespace prefix on the root and its locs", () => {
    const xml = `<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sm:sitemap><sm:loc>https://example.com/s1.xml</sm:loc></sm:sitemap>
      <sm:sitemap><loc>https://example.com/s2.xml</loc></sm:sitemap>
      <sm:sitemap><other:loc>https://example.com/nope.xml</other:loc></sm:sitemap>
    </sm:sitemapindex>`;
    expect(parseSitemap(xml)).toEqual({ kind: "index", locs: ["https://example.com/s1.xml", "https://example.com/s2.xml"] });
  });

  it("decodes the five XML entities and numeric references once", () => {
    const xml = `<urlset>
      <url><loc>https://example.com/?a=1&amp;b=2</loc></url>
      <url><loc>https://example.com/&lt;&gt;&quot;&apos;</loc></url>
      <url><loc>https://example.com/caf&#233;/&#x2F;x</loc></url>
      <url><loc>https://example.com/?q=&amp;lt;</loc></url>
      <url><loc>https://example.com/&nbsp;&#0;&#xD800;&#99999999;</loc></url>
    </urlset>`;
    expect(parseSitemap(xml).locs).toEqual([
      "https://example.com/?a=1&b=2",
      "https://example.com/<>\"'",
      "https://example.com/café//x",
      "https://example.com/?q=&lt;",
      "https://example.com/&nbsp;&#0;&#xD800;&#99999999;",
    ]);
  });

  it("takes CDATA content raw, with whitespace around it", () => {
    const xml = `<urlset>
      <url><loc>
        <![CDATA[https://example.com/?a=1&b=2]]>
      </loc></url>
      <url><loc><![CDATA[https://example.com/]]><![CDATA[split]]></loc></url>
      <url><loc><![CDATA[ ]]></loc></url>
    </urlset>`;
    expect(parseSitemap(xml).locs).toEqual(["https://example.com/?a=1&b=2", "https://example.com/split"]);
  });

  it("ignores locs inside comments and empty or self-closing locs", () => {
    const xml = `<urlset>
      <!-- <url><loc>https://example.com/commented</loc></url> -->
      <url><loc></loc></url>
      <url><loc/></url>
      <url><loc>https://example.com/real</loc></url>
    </urlset>`;
    expect(parseSitemap(xml).locs).toEqual(["https://example.com/real"]);
  });

  it("caps the number of entries", () => {
    const entries = Array.from({ length: 10 }, (_, i) => `<url><loc>https://example.com/${i}</loc></url>`).join("");
    const xml = `<urlset>${entries}</urlset>`;
    expect(parseSitemap(xml, { maxEntries: 3 }).locs).toEqual(["https://example.com/0", "https://example.com/1", "https://example.com/2"]);
    expect(parseSitemap(xml).locs).toHaveLength(10);
  });

  it("defaults the cap to the protocol's 50,000", () => {
    const entries = "<url><loc>https://example.com/x</loc></url>".repeat(50_010);
    expect(parseSitemap(`<urlset>${entries}</urlset>`).locs).toHaveLength(50_000);
  });

  it.each([
    ["empty", ""],
    ["plain text", "this is not xml at all"],
    ["html", "<!doctype html><html><body><h1>404</h1></body></html>"],
    ["stray angle brackets", "<<<>>><</><loc"],
    ["unterminated comment", "<urlset><!-- <url><loc>https://example.com/</loc>"],
    ["unterminated cdata", "<urlset><url><loc><![CDATA[https://example.com/"],
    ["binary", "\u0000\u001f\u008b\u0008garbage\uFFFD"],
  ])("returns an empty urlset for garbage (%s)", (_name, xml) => {
    expect(parseSitemap(xml)).toEqual({ kind: "urlset", locs: [] });
  });

  it("keeps the entries before a truncated tail", () => {
    const xml = `<urlset><url><loc>https://example.com/a</loc></url><url><loc>https://example.com/b</loc></url><url><loc>https://exa`;
    expect(parseSitemap(xml).locs).toEqual(["https://example.com/a", "https://example.com/b"]);
  });

  it("tolerates missing url wrappers, upper-case tags and attributes on loc", () => {
    const xml = `<urlset><loc>https://example.com/a</loc><LOC>https://example.com/b</LOC><loc lang="en">https://example.com/c</loc></urlset>`;
    expect(parseSitemap(xml).locs).toEqual(["https://example.com/a", "https://example.com/b", "https://example.com/c"]);
  });

  it("scans pathological input in linear time", () => {
    const xml = "<urlset>" + "<loc>".repeat(200_000);
    expect(parseSitemap(xml)).toEqual({ kind: "urlset", locs: [] });
  });
});

describe("sitemapUrlFor", () => {
  it("points at /sitemap.xml on the start URL's origin", () => {
    expect(sitemapUrlFor("https://Example.com/docs/page?x=1")).toBe("https://example.com/sitemap.xml");
    expect(sitemapUrlFor("http://127.0.0.1:3000/")).toBe("http://127.0.0.1:3000/sitemap.xml");
  });
});
