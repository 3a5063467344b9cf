import { describe, expect, it } from "vitest";
import { renderPage, type RenderRequest, type RenderSuccess } from "../src/index.ts";
import { loopbackGuard, renderRequest, useSiteAndPool } from "./helpers.ts";

const fixture = useSiteAndPool();
const guard = loopbackGuard();

async function render(path: string, overrides: Partial<RenderRequest>): Promise<RenderSuccess> {
  const result = await fixture.pool.withContext((ctx) => renderPage(ctx, renderRequest(`${fixture.site.origin}${path}`, { timeoutMs: 60_000, ...overrides }), guard));
  if (!result.ok) throw new Error(`render failed: ${result.errorCode} ${result.errorMessage}`);
  return result;
}

const pngSize = (png: Buffer | undefined) => ({ width: png?.readUInt32BE(16) ?? 0, height: png?.readUInt32BE(20) ?? 0 });

// api.md § Jobs: every format is bounded, and an item lists the formats that hit their bound.
describe("renderPage bounds", () => {
  it("cuts html at htmlMaxBytes of UTF-8, at a character boundary, and says so", async () => {
    const max = 10_007; // lands inside the 2-, 3- and 4-byte characters of /huge at some offset
    const cut = await render("/huge?bytes=50000", { formats: ["html"], bounds: { htmlMaxBytes: max } });
    const bytes = Buffer.byteLength(cut.html ?? "");
    expect(bytes).toBeLessThanOrEqual(max);
    expect(bytes).toBeGreaterThan(max - 4);
    expect(/\p{Cs}/u.test(cut.html ?? "")).toBe(false);
    expect(cut.html?.startsWith("<!DOCTYPE html><html><head>")).toBe(true);
    expect(cut.truncated).toEqual(["html"]);

    const whole = await render("/simple", { formats: ["html"], bounds: { htmlMaxBytes: max } });
    expect(whole.html).toContain("rendered by script");
    expect(whole.truncated).toEqual([]);
  });

  it("keeps at most 5,000 links", async () => {
    const result = await render("/links?n=6000", { formats: ["links"] });
    expect(result.links).toHaveLength(5_000);
    expect(result.links?.[4_999]).toBe(`${fixture.site.origin}/page/4999?n=4999`);
    expect(result.truncated).toEqual(["links"]);
  });

  it("clips a full-page screenshot at screenshotMaxHeight without rendering the whole page", async () => {
    const tall = await render("/tall?px=60000", { formats: ["screenshot"], fullPage: true, bounds: { screenshotMaxHeight: 4_000 } });
    expect(pngSize(tall.screenshotPng)).toEqual({ width: 1280, height: 4_000 });
    expect(tall.truncated).toEqual(["screenshot"]);

    // Within the default bound (16,384 px) a full page is whole.
    const fits = await render("/tall?px=3000", { formats: ["screenshot"], fullPage: true });
    expect(pngSize(fits.screenshotPng).height).toBe(3_000);
    expect(fits.truncated).toEqual([]);

    const viewport = await render("/tall?px=60000", { formats: ["screenshot"], fullPage: false });
    expect(pngSize(viewport.screenshotPng)).toEqual({ width: 1280, height: 720 });
    expect(viewport.truncated).toEqual([]);
  });

  it("marks text cut at maxChars, and several formats at once", async () => {
    const result = await render("/text?chars=5000", { formats: ["text", "links", "html"], maxChars: 100, bounds: { htmlMaxBytes: 1_024 } });
    expect(result.text).toBe("t".repeat(100));
    expect(result.truncated).toEqual(["html", "text"]);
    const whole = await render("/text?chars=5000", { formats: ["text"], maxChars: 5_000 });
    expect(whole.truncated).toEqual([]);
  });
});
