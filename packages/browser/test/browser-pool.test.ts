import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { startFixtureSite, type FixtureSite } from "../../../test/support/fixture-site.ts";
import { BrowserPoolClosedError, renderPage, type BrowserPool } from "../src/index.ts";
import { isAlive, killBrowser, loopbackGuard, memoryLogger, renderRequest, testPool, waitFor } from "./helpers.ts";

let site: FixtureSite;
const guard = loopbackGuard();
const pools: BrowserPool[] = [];

function pool(...args: Parameters<typeof testPool>): BrowserPool {
  const created = testPool(...args);
  pools.push(created);
  return created;
}

beforeAll(async () => {
  site = await startFixtureSite();
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await site?.close();
});

const simple = (p: BrowserPool) => p.withContext((ctx) => renderPage(ctx, renderRequest(`${site.origin}/simple`), guard));

// Every test has its own pool (and only the crash test asks for /hang), so they run at the same time; the first
// runs alone before them (it.sequential), so its three concurrent first renders do not compete with the others' launches.
describe.concurrent("BrowserPool", () => {
  it.sequential("shares one launch between concurrent first callers", async () => {
    const p = pool();
    const results = await Promise.all([simple(p), simple(p), simple(p)]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(p.stats()).toMatchObject({ pagesRendered: 3, restarts: 0, openContexts: 0 });
  });

  it("isolates contexts: a cookie set in one is absent in the next", async () => {
    const p = pool();
    await p.withContext(async (ctx) => {
      const page = await ctx.newPage();
      await page.goto(`${site.origin}/simple`);
      await page.evaluate("document.cookie = 'session=secret; max-age=3600'");
      expect(await ctx.cookies()).toHaveLength(1);
    });
    await p.withContext(async (ctx) => {
      expect(await ctx.cookies()).toEqual([]);
      const page = await ctx.newPage();
      await page.goto(`${site.origin}/simple`);
      expect(await page.evaluate("document.cookie")).toBe("");
    });
  });

  it("closes the context even when the callback throws", async () => {
    const p = pool();
    let opened: BrowserContext | undefined;
    await expect(
      p.withContext(async (ctx) => {
        opened = ctx;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(p.stats().openContexts).toBe(0);
    await expect(opened?.newPage()).rejects.toThrow(/closed/);
  });

  it("recycles the browser after N contexts, closing the old one only once it is drained", async () => {
    const p = pool({ recycleAfterPages: 2 });
    await p.start();
    const firstPid = p.stats().browserPid;
    if (firstPid === null) throw new Error("the pool reports no browser pid");

    // Two contexts use up the first browser; they stay open while a third starts on a new one.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holders = [0, 1].map(() =>
      p.withContext(async (ctx) => {
        await held;
        return renderPage(ctx, renderRequest(`${site.origin}/page/1`), guard);
      }),
    );
    await waitFor(() => p.stats().openContexts === 2, "two open contexts");
    expect((await simple(p)).ok).toBe(true);
    const secondPid = p.stats().browserPid;
    expect(secondPid).not.toBe(firstPid);
    expect(isAlive(firstPid)).toBe(true);

    release();
    expect((await Promise.all(holders)).map((r) => r.ok)).toEqual([true, true]);
    await waitFor(() => !isAlive(firstPid), "the drained browser to exit");

    await simple(p);
    await simple(p);
    expect(p.stats()).toMatchObject({ pagesRendered: 5, restarts: 2, openContexts: 0 });
    expect(p.stats().restartsByReason).toEqual({ recycle: 2, crash: 0, context_close_timeout: 0 });
  });

  it("relaunches after Chromium crashes, and a render caught in the crash fails cleanly", async () => {
    const logger = memoryLogger();
    const p = pool({ logger });
    await p.start();
    const caught = p.withContext((ctx) => renderPage(ctx, renderRequest(`${site.origin}/hang`, { timeoutMs: 60_000 }), guard));
    await waitFor(() => site.hits("/hang") > 0, "the hanging request");
    const pid = killBrowser(p);
    expect(await caught).toMatchObject({ ok: false, errorCode: "INTERNAL_ERROR" });

    const after = await simple(p);
    expect(after).toMatchObject({ ok: true, title: "Fixture Simple" });
    expect(p.stats().restarts).toBe(1);
    expect(p.stats().browserPid).not.toBe(pid);
    expect(p.stats().restartsByReason).toMatchObject({ recycle: 0, crash: 1 });
    expect(logger.lines.some((l) => l.level === "warn" && /disconnected/.test(l.msg ?? ""))).toBe(true);
  });

  it("recovers when the next context is asked for right after the kill", async () => {
    const p = pool();
    await p.start();
    killBrowser(p);
    expect(await simple(p)).toMatchObject({ ok: true });
    expect(p.stats().restarts).toBe(1);
  });

  it("close() waits for in-flight contexts, then refuses new work", async () => {
    const p = pool();
    const inFlight = p.withContext((ctx) => renderPage(ctx, renderRequest(`${site.origin}/slow?ms=500`), guard));
    await waitFor(() => p.stats().openContexts === 1, "an open context");
    await p.close();
    expect(await inFlight).toMatchObject({ ok: true, title: "Slow 500" });
    await expect(simple(p)).rejects.toBeInstanceOf(BrowserPoolClosedError);
  });

  it("rejects the caller when Chromium cannot launch, and logs why", async () => {
    const logger = memoryLogger();
    const p = pool({ chromiumPath: "/nonexistent/chromium", logger });
    await expect(simple(p)).rejects.toThrow();
    await expect(simple(p)).rejects.toThrow();
    expect(logger.lines.filter((l) => l.level === "error" && l.msg === "chromium failed to launch")).toHaveLength(2);
  });
});
