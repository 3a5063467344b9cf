import { describe, expect, it } from "vitest";
import { ALLOW_ALL_ROBOTS, parseRobotsTxt, robotsUrlFor } from "../src/index.ts";

const ROBOTS_URL = "https://example.com/robots.txt";
const at = (path: string) => `https://example.com${path}`;

describe("robotsUrlFor", () => {
  it("points at the start URL's origin", () => {
    expect(robotsUrlFor("https://Example.com:443/docs/a?b=1#c")).toBe("https://example.com/robots.txt");
    expect(robotsUrlFor("http://localhost:8080/x/y")).toBe("http://localhost:8080/robots.txt");
  });
});

describe("parseRobotsTxt", () => {
  it("applies * groups when there is no browserfleet group", () => {
    const rules = parseRobotsTxt(ROBOTS_URL, "User-agent: *\nDisallow: /private/\n");
    expect(rules.isAllowed(at("/private/a"))).toBe(false);
    expect(rules.isAllowed(at("/private"))).toBe(true);
    expect(rules.isAllowed(at("/public"))).toBe(true);
  });

  it("prefers the browserfleet group over * (case-insensitive, version stripped)", () => {
    const body = ["User-agent: *", "Disallow: /", "", "User-agent: BrowserFleet/2.0", "Disallow: /admin", ""].join("\n");
    const rules = parseRobotsTxt(ROBOTS_URL, body);
    expect(rules.isAllowed(at("/"))).toBe(true);
    expect(rules.isAllowed(at("/blog"))).toBe(true);
    expect(rules.isAllowed(at("/admin/x"))).toBe(false);
  });

  it("ignores groups for other crawlers", () => {
    const rules = parseRobotsTxt(ROBOTS_URL, "User-agent: Googlebot\nDisallow: /\n");
    expect(rules.isAllowed(at("/anything"))).toBe(true);
  });

  it("lets the longest matching rule win, and Allow win a tie", () => {
    const body = ["User-agent: *", "Disallow: /shop", "Allow: /shop/public", "Disallow: /shop/public/secret", "Allow: /tie", "Disallow: /tie"].join("\n");
    const rules = parseRobotsTxt(ROBOTS_URL, body);
    expect(rules.isAllowed(at("/shop/cart"))).toBe(false);
    expect(rules.isAllowed(at("/shop/public/item"))).toBe(true);
    expect(rules.isAllowed(at("/shop/public/secret/1"))).toBe(false);
    expect(rules.isAllowed(at("/tie"))).toBe(true);
  });

  it("supports * and $ wildcards, matched against path and query", () => {
    const body = ["User-agent: *", "Disallow: /*.pdf$", "Disallow: /*?sessionid=", "Disallow: /tmp*/cache"].join("\n");
    const rules = parseRobotsTxt(ROBOTS_URL, body);
    expect(rules.isAllowed(at("/files/report.pdf"))).toBe(false);
    expect(rules.isAllowed(at("/files/report.pdf?download=1"))).toBe(true);
    expect(rules.isAllowed(at("/files/report.pdfx"))).toBe(true);
    expect(rules.isAllowed(at("/page?sessionid=42"))).toBe(false);
    expect(rules.isAllowed(at("/page?lang=en"))).toBe(true);
    expect(rules.isAllowed(at("/tmp-2/cache/x"))).toBe(false);
  });

  it("treats an empty Disallow as allow-all and ignores comments", () => {
    const rules = parseRobotsTxt(ROBOTS_URL, "# hello\nUser-agent: * # all\nDisallow:\n");
    expect(rules.isAllowed(at("/x"))).toBe(true);
  });

  it("reads a body with a byte-order mark and CRLF line ends", () => {
    const rules = parseRobotsTxt(ROBOTS_URL, "\uFEFFUser-agent: *\r\nDisallow: /no\r\n");
    expect(rules.isAllowed(at("/no"))).toBe(false);
  });

  it("counts URLs outside the robots file's origin as allowed", () => {
    const rules = parseRobotsTxt(ROBOTS_URL, "User-agent: *\nDisallow: /\n");
    expect(rules.isAllowed(at("/x"))).toBe(false);
    expect(rules.isAllowed("https://other.org/x")).toBe(true);
    expect(rules.isAllowed("http://example.com/x")).toBe(true);
    expect(rules.isAllowed("https://sub.example.com/x")).toBe(true);
    expect(rules.isAllowed("https://example.com:8443/x")).toBe(true);
  });

  it("collects Sitemap lines from anywhere in the file, resolved and deduplicated", () => {
    const body = [
      "Sitemap: https://example.com/sitemap-a.xml",
      "User-agent: *",
      "Disallow: /private",
      "sitemap: /sitemap-b.xml",
      "Sitemap: https://example.com/sitemap-a.xml",
      "Sitemap: ftp://example.com/nope.xml",
      "Sitemap: https://cdn.example.net/s.xml",
    ].join("\n");
    expect(parseRobotsTxt(ROBOTS_URL, body).sitemaps).toEqual([
      "https://example.com/sitemap-a.xml",
      "https://example.com/sitemap-b.xml",
      "https://cdn.example.net/s.xml",
    ]);
  });

  it("survives garbage", () => {
    const rules = parseRobotsTxt(ROBOTS_URL, "<html><body>Not found</body></html>\n\0\0::::");
    expect(rules.isAllowed(at("/x"))).toBe(true);
    expect(rules.sitemaps).toEqual([]);
  });
});

describe("ALLOW_ALL_ROBOTS", () => {
  it("allows everything and lists no sitemaps", () => {
    expect(ALLOW_ALL_ROBOTS.isAllowed(at("/private"))).toBe(true);
    expect(ALLOW_ALL_ROBOTS.sitemaps).toEqual([]);
    ALLOW_ALL_ROBOTS.sitemaps.push("https://example.com/s.xml");
    expect(ALLOW_ALL_ROBOTS.sitemaps).toEqual([]);
  });
});
