import { describe, expect, it } from "vitest";
import { renderPage, type RenderResult, type RenderSuccess } from "../src/index.ts";
import { loopbackGuard, renderRequest, useSiteAndPool } from "./helpers.ts";

const fixture = useSiteAndPool();
const guard = loopbackGuard();

function succeeded(result: RenderResult): RenderSuccess {
  if (!result.ok) throw new Error(`render failed: ${result.errorCode} ${result.errorMessage}`);
  return result;
}

describe("renderPage formats", () => {
  it("returns the rendered html, title, status and final url", async () => {
    const result = succeeded(await fixture.pool.withContext((ctx) => renderPage(ctx, renderRequest(`${fixture.site.origin}/simple`), guard)));
    expect(result.httpStatus).toBe(200);
    expect(result.finalUrl).toBe(`${fixture.site.origin}/simple`);
    expect(result.title).toBe("Fixture Simple");
    expect(result.html).toContain('<p id="js">rendered by script</p>');
    expect(result.text).toBeUndefined();
    expect(result.links).toBeUndefined();
    expect(result.screenshotPng).toBeUndefined();
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it("returns visible text, truncated to maxChars", async () => {
    const full = succeeded(await fixture.pool.withContext((ctx) => renderPage(ctx, renderRequest(`${fixture.site.origin}/simple`, { formats: ["text"] }), guard)));
    expect(full.html).toBeUndefined();
    expect(full.text).toContain("Hello fixture");
    expect(full.text).toContain("rendered by script");
    expect(full.text).not.toContain("insertAdjacentHTML");
    const cut = succeeded(
      await fixture.pool.withContext((ctx) => renderPage(ctx, renderRequest(`${fixture.site.origin}/simple`, { formats: ["text"], maxChars: 5 }), guard)),
    );
    expect(cut.text).toBe("Hello");
    expect(cut.title).toBe("Fixture Simple");
  });

  it("returns every absolute http(s) link once, in page order", async () => {
    const result = succeeded(await fixture.pool.withContext((ctx) => renderPage(ctx, renderRequest(`${fixture.site.origin}/simple`, { formats: ["links"] }), guard)));
    expect(result.links).toEqual([`${fixture.site.origin}/page/1`, `${fixture.site.origin}/page/2`, "https://example.invalid/away"]);
    const heavy = succeeded(await fixture.pool.withContext((ctx) => renderPage(ctx, renderRequest(`${fixture.site.origin}/page/3`, { formats: ["links"] }), guard)));
    expect(heavy.links).toHaveLength(30);
    expect(heavy.links?.[0]).toBe(`${fixture.site.origin}/page/93`);
  });

  it("returns a PNG screenshot, of the viewport or the full page", async () => {
    const shot = (fullPage: boolean) =>
      fixture.pool.withContext((ctx) => renderPage(ctx, renderRequest(`${fixture.site.origin}/page/7`, { formats: ["screenshot"], fullPage }), guard));
    const viewport = succeeded(await shot(false)).screenshotPng;
    const full = succeeded(await shot(true)).screenshotPng;
    for (const png of [viewport, full]) {
      expect(png?.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    }
    const height = (png: Buffer | undefined) => png?.readUInt32BE(20) ?? 0;
    expect(height(viewport)).toBe(720);
    expect(height(full)).toBeGreaterThan(720);
  });

  it("returns every format at once", async () => {
    const result = succeeded(
      await fixture.pool.withContext((ctx) =>
        renderPage(ctx, renderRequest(`${fixture.site.origin}/simple`, { formats: ["html", "text", "links", "screenshot"] }), guard),
      ),
    );
    expect(result.html).toContain("Hello fixture");
    expect(result.text).toContain("Hello fixture");
    expect(result.links).toHaveLength(3);
    expect(result.screenshotPng?.length).toBeGreaterThan(100);
  });

  it.each([404, 500])("treats an HTTP %i page as a rendered page with that status", async (status) => {
    const result = succeeded(
      await fixture.pool.withContext((ctx) => renderPage(ctx, renderRequest(`${fixture.site.origin}/status/${status}`, { formats: ["html", "text"] }), guard)),
    );
    expect(result.httpStatus).toBe(status);
    expect(result.title).toBe(status === 404 ? "Not Found" : "Server Error");
  });

  it("follows an allowed redirect and reports where it landed", async () => {
    const result = succeeded(await fixture.pool.withContext((ctx) => renderPage(ctx, renderRequest(`${fixture.site.origin}/redirect?to=/page/5`), guard)));
    expect(result.finalUrl).toBe(`${fixture.site.origin}/page/5`);
    expect(result.httpStatus).toBe(200);
    expect(result.title).toBe("Fixture page 5");
  });

  it("renders several pages of one job in one shared context", async () => {
    const results = await fixture.pool.withContext((ctx) =>
      Promise.all([1, 2, 3, 4].map((n) => renderPage(ctx, renderRequest(`${fixture.site.origin}/page/${n}`, { formats: ["text"] }), guard))),
    );
    expect(results.map((r) => succeeded(r).title)).toEqual(["Fixture page 1", "Fixture page 2", "Fixture page 3", "Fixture page 4"]);
  });
});
