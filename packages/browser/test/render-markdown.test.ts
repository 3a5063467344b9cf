import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  articleMainMarkdown,
  articleMarkdown,
  homeMarkdown,
  longParagraph,
  secondMarkdown,
  startMarkdownSite,
  type MarkdownSite,
} from "../../../test/support/markdown-site.ts";
import { renderPage, type BrowserPool, type RenderRequest, type RenderResult, type RenderSuccess } from "../src/index.ts";
import { loopbackGuard, renderRequest, testPool } from "./helpers.ts";

let site: MarkdownSite;
let pool: BrowserPool;
beforeAll(async () => {
  site = await startMarkdownSite();
  pool = testPool();
  await pool.start();
});
afterAll(async () => {
  await pool?.close();
  await site?.close();
});

const guard = loopbackGuard();

function succeeded(result: RenderResult): RenderSuccess {
  if (!result.ok) throw new Error(`render failed: ${result.errorCode} ${result.errorMessage}`);
  return result;
}

const render = async (path: string, overrides: Partial<RenderRequest> = {}): Promise<RenderSuccess> =>
  succeeded(await pool.withContext((ctx) => renderPage(ctx, renderRequest(`${site.origin}${path}`, { formats: ["markdown"], ...overrides }), guard)));

describe("the markdown format", () => {
  it("converts the live page: table, fenced code with its language, absolute links and images, the script's text", async () => {
    const result = await render("/article");
    expect(result.markdown).toBe(articleMarkdown(site.origin));
    expect(result.truncated).toEqual([]);
    expect(result.html).toBeUndefined();
    expect((await render("/second")).markdown).toBe(secondMarkdown(site.origin));
    expect((await render("/")).markdown).toBe(homeMarkdown(site.origin));
  });

  it("keeps only the article with onlyMainContent, and leaves the other formats whole", async () => {
    const result = await render("/article", { formats: ["markdown", "html", "text"], onlyMainContent: true });
    expect(result.markdown).toBe(articleMainMarkdown(site.origin));
    expect(result.html).toContain("<footer>");
    expect(result.text).toContain("Example Corp");
  });

  it("cuts the Markdown at maxChars and says so", async () => {
    const whole = articleMarkdown(site.origin);
    const cut = await render("/article", { maxChars: 120 });
    expect(cut.markdown).toBe(whole.slice(0, 120));
    expect(cut.truncated).toEqual(["markdown"]);
    const exact = await render("/article", { maxChars: whole.length });
    expect(exact.markdown).toBe(whole);
    expect(exact.truncated).toEqual([]);
  });

  it("reads at most htmlMaxBytes characters of the page, so a huge page converts a bounded prefix", async () => {
    const paragraphs = Array.from({ length: 2_000 }, (_, i) => longParagraph(i)).join("\n\n");
    const result = await render("/long?paragraphs=2000", { maxChars: 10_000_000, bounds: { htmlMaxBytes: 4_096 } });
    expect(result.truncated).toEqual(["markdown"]);
    expect(result.markdown!.length).toBeGreaterThan(3_000);
    expect(result.markdown!.length).toBeLessThanOrEqual(4_096);
    expect(paragraphs.startsWith(result.markdown!)).toBe(true);
    const small = await render("/long?paragraphs=3", { bounds: { htmlMaxBytes: 4_096 } });
    expect(small.markdown).toBe([0, 1, 2].map(longParagraph).join("\n\n"));
    expect(small.truncated).toEqual([]);
  });

  // 2,000 levels built by script (the HTML parser stops at 512) overflow Turndown's recursion without the depth bound.
  it("converts a page nested far deeper than the converter recurses, as its text", async () => {
    const result = await render("/nested?depth=2000");
    expect(result.markdown).toBe("deep inside\n\nafter");
  });

  it("is not fooled by a page that replaces the globals a converter in its world would call", async () => {
    const result = await render("/hostile");
    expect(result.markdown).toBe(`# Hostile\n\nStill [converted](${site.origin}/second).`);
    // The page is parked and reused for the next render of the context, which converts as usual.
    const next = succeeded(
      await pool.withContext(async (ctx) => {
        await renderPage(ctx, renderRequest(`${site.origin}/hostile`, { formats: ["markdown"] }), guard);
        return renderPage(ctx, renderRequest(`${site.origin}/second`, { formats: ["markdown"] }), guard);
      }),
    );
    expect(next.markdown).toBe(secondMarkdown(site.origin));
  });
});
