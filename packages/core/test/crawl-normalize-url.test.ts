import { describe, expect, it } from "vitest";
import { normalizeCrawlUrl } from "../src/index.ts";

const keep = { ignoreQueryParameters: false };
const drop = { ignoreQueryParameters: true };

describe("normalizeCrawlUrl", () => {
  it.each([
    ["HTTP://Example.COM/Path", "http://example.com/Path"],
    ["http://example.com:80/a", "http://example.com/a"],
    ["https://example.com:443/a", "https://example.com/a"],
    ["https://example.com:80/a", "https://example.com:80/a"],
    ["http://example.com:8080/a", "http://example.com:8080/a"],
    ["http://example.com", "http://example.com/"],
    ["http://example.com/a#section", "http://example.com/a"],
    ["http://example.com/a?#", "http://example.com/a"],
    ["http://example.com/a?", "http://example.com/a"],
    ["http://user:secret@example.com/a", "http://example.com/a"],
    ["http://example.com/a/./b/../c", "http://example.com/a/c"],
    ["  http://example.com/a  ", "http://example.com/a"],
  ])("%s → %s", (raw, expected) => {
    expect(normalizeCrawlUrl(raw, undefined, keep)).toBe(expected);
  });

  it("keeps /a and /a/ apart", () => {
    expect(normalizeCrawlUrl("http://example.com/a", undefined, keep)).toBe("http://example.com/a");
    expect(normalizeCrawlUrl("http://example.com/a/", undefined, keep)).toBe("http://example.com/a/");
  });

  it("resolves relative links against the page they were found on", () => {
    const base = "https://example.com/docs/guide/intro.html?x=1#top";
    expect(normalizeCrawlUrl("next.html", base, keep)).toBe("https://example.com/docs/guide/next.html");
    expect(normalizeCrawlUrl("../api/", base, keep)).toBe("https://example.com/docs/api/");
    expect(normalizeCrawlUrl("../../../../up", base, keep)).toBe("https://example.com/up");
    expect(normalizeCrawlUrl("/root", base, keep)).toBe("https://example.com/root");
    expect(normalizeCrawlUrl("//cdn.example.com/x", base, keep)).toBe("https://cdn.example.com/x");
    expect(normalizeCrawlUrl("?b=2&a=1", base, keep)).toBe("https://example.com/docs/guide/intro.html?a=1&b=2");
    expect(normalizeCrawlUrl("#other", base, keep)).toBe("https://example.com/docs/guide/intro.html?x=1");
    expect(normalizeCrawlUrl("", base, keep)).toBe("https://example.com/docs/guide/intro.html?x=1");
  });

  it("sorts query parameters by key, then value, and keeps each parameter's encoding", () => {
    expect(normalizeCrawlUrl("http://example.com/?b=2&a=9&a=1&c", undefined, keep)).toBe("http://example.com/?a=1&a=9&b=2&c");
    expect(normalizeCrawlUrl("http://example.com/?q=a%20b&p=x+y", undefined, keep)).toBe("http://example.com/?p=x+y&q=a%20b");
    expect(normalizeCrawlUrl("http://example.com/?b=1&&a=2&", undefined, keep)).toBe("http://example.com/?a=2&b=1");
    // "a" sorts before "ab" even though "a=" > "ab" as raw text.
    expect(normalizeCrawlUrl("http://example.com/?ab=1&a=2", undefined, keep)).toBe("http://example.com/?a=2&ab=1");
  });

  it("gives the same key to the same page linked in different ways", () => {
    const forms = [
      "HTTPS://EXAMPLE.com:443/p?y=2&x=1#frag",
      "https://example.com/p?x=1&y=2",
      "https://user@example.com/q/../p?y=2&x=1",
    ];
    expect(new Set(forms.map((f) => normalizeCrawlUrl(f, undefined, keep))).size).toBe(1);
  });

  it("drops the whole query when told to ignore query parameters", () => {
    expect(normalizeCrawlUrl("http://example.com/a?b=2&a=1#f", undefined, drop)).toBe("http://example.com/a");
    expect(normalizeCrawlUrl("?page=2", "http://example.com/list?page=1", drop)).toBe("http://example.com/list");
  });

  it.each([
    "mailto:someone@example.com",
    "javascript:alert(1)",
    "data:text/html,<p>hi</p>",
    "tel:+123456",
    "ftp://example.com/file",
    "file:///etc/passwd",
    "ws://example.com/socket",
  ])("rejects the non-http scheme in %s", (raw) => {
    expect(normalizeCrawlUrl(raw, "https://example.com/", keep)).toBeNull();
  });

  it("rejects unparsable URLs and relative links without a base", () => {
    expect(normalizeCrawlUrl("http://", undefined, keep)).toBeNull();
    expect(normalizeCrawlUrl("http://exa mple.com/", undefined, keep)).toBeNull();
    expect(normalizeCrawlUrl("/relative", undefined, keep)).toBeNull();
    expect(normalizeCrawlUrl("/relative", "not a url", keep)).toBeNull();
  });
});
