import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFixtureSite, type FixtureSite } from "../../../test/support/fixture-site.ts";
import { renderPage, type BrowserPool } from "../src/index.ts";
import { closedPort, html, loopbackGuard, renderRequest, startLocalServer, testPool, waitFor, type LocalServer } from "./helpers.ts";

let site: FixtureSite;
let local: LocalServer;
let pool: BrowserPool;
const guard = loopbackGuard();
const FONT_HANGS = `<!doctype html><title>font</title><style>@font-face{font-family:F;src:url(/never)}body{font-family:F}</style><p>text</p>`;

beforeAll(async () => {
  site = await startFixtureSite();
  local = await startLocalServer((req, res) => {
    // A web font that never arrives: the page is interactive at once, but a screenshot waits for its fonts.
    if (req.url === "/font-hangs") return html(res, FONT_HANGS);
    if (req.url === "/never") return;
    res.writeHead(200, { "content-type": "application/octet-stream", "content-disposition": 'attachment; filename="data.bin"' });
    res.end(Buffer.alloc(1024));
  });
  pool = testPool();
  await pool.start();
});

afterAll(async () => {
  await pool?.close();
  await Promise.all([site?.close(), local?.close()]);
});

beforeEach(() => site.resetCounters());

describe("renderPage failures", () => {
  // The it.concurrent tests, one run of consecutive ones, read neither the site's counters nor the pool's stats, so
  // they run at the same time; the others run alone, before or after them, since they count what the site and pool saw.
  it("times out on a page that never answers, and the pool renders the next page", async () => {
    const result = await pool.withContext((ctx) => renderPage(ctx, renderRequest(`${site.origin}/hang`, { timeoutMs: 2_000 }), guard));
    expect(result).toMatchObject({ ok: false, errorCode: "TIMEOUT" });
    // Under CPU load the budget can run out before Chromium sends the request; never twice, though.
    expect(site.hits("/hang")).toBeLessThanOrEqual(1);
    const next = await pool.withContext((ctx) => renderPage(ctx, renderRequest(`${site.origin}/simple`), guard));
    expect(next).toMatchObject({ ok: true, httpStatus: 200, title: "Fixture Simple" });
    expect(pool.stats().openContexts).toBe(0);
  });

  it.concurrent("times out when extraction, not navigation, runs past the budget", async () => {
    const result = await pool.withContext((ctx) =>
      renderPage(
        ctx,
        renderRequest(`${local.origin}/font-hangs`, { formats: ["screenshot"], timeoutMs: 2_000, waitUntil: "domcontentloaded" }),
        guard,
      ),
    );
    expect(result).toMatchObject({ ok: false, errorCode: "TIMEOUT" });
    const withoutScreenshot = await pool.withContext((ctx) =>
      // A roomy budget: on a busy machine the page itself may take seconds, and only the hang matters here.
      renderPage(ctx, renderRequest(`${local.origin}/font-hangs`, { timeoutMs: 20_000, waitUntil: "domcontentloaded" }), guard),
    );
    expect(withoutScreenshot).toMatchObject({ ok: true, title: "font" });
  });

  it.concurrent("fails navigation with a clear message when the connection is refused", async () => {
    const port = await closedPort();
    const result = await pool.withContext((ctx) => renderPage(ctx, renderRequest(`http://127.0.0.1:${port}/`), guard));
    expect(result).toMatchObject({
      ok: false,
      errorCode: "NAVIGATION_FAILED",
      errorMessage: "the connection was refused (net::ERR_CONNECTION_REFUSED)",
    });
  });

  it.concurrent("fails navigation when the host name does not resolve", async () => {
    const result = await pool.withContext((ctx) => renderPage(ctx, renderRequest("http://no-such-host.invalid/"), guard));
    expect(result).toMatchObject({
      ok: false,
      errorCode: "NAVIGATION_FAILED",
      errorMessage: "the host name could not be resolved (net::ERR_NAME_NOT_RESOLVED)",
    });
  });

  it.concurrent("fails navigation when the URL answers with a download", async () => {
    const result = await pool.withContext((ctx) => renderPage(ctx, renderRequest(`${local.origin}/file`), guard));
    expect(result).toMatchObject({ ok: false, errorCode: "NAVIGATION_FAILED" });
    expect(!result.ok && result.errorMessage).toMatch(/download/);
  });

  it("cancels promptly when the signal aborts mid-navigation", async () => {
    const controller = new AbortController();
    const rendering = pool.withContext((ctx) =>
      renderPage(ctx, renderRequest(`${site.origin}/hang`, { timeoutMs: 60_000, signal: controller.signal }), guard),
    );
    await waitFor(() => site.hits("/hang") === 1, "the page request to reach the site");
    controller.abort();
    // The page never answers and the budget is a minute: only the abort can end this before the test times out.
    expect(await rendering).toMatchObject({ ok: false, errorCode: "CANCELLED" });
    expect(pool.stats().openContexts).toBe(0);
  });

  it("does not load anything when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await pool.withContext((ctx) => renderPage(ctx, renderRequest(`${site.origin}/simple`, { signal: controller.signal }), guard));
    expect(result).toMatchObject({ ok: false, errorCode: "CANCELLED" });
    expect(site.hits("/simple")).toBe(0);
  });
});
