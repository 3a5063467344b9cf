import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { startFixtureSite, type FixtureSite } from "../../../test/support/fixture-site.ts";
import { contextShareKey, renderPage, type BrowserPool, type ContextLeaseOptions, type RenderResult } from "../src/index.ts";
import { html, isAlive, killBrowser, loopbackGuard, renderRequest, startLocalServer, testPool, waitFor, type LocalServer } from "./helpers.ts";

// The fixture site serves heavy pages and a hanging one; `jar` sets a cookie and shows the cookie it was sent.
let site: FixtureSite;
let jar: LocalServer;
const guard = loopbackGuard();
const pools: BrowserPool[] = [];
const JOB_A = contextShareKey("ws_1", "job_a");

/** Shared contexts live until a test says otherwise: a loaded machine must not close them between pages. */
function pool(options: Parameters<typeof testPool>[0] = {}): BrowserPool {
  const created = testPool({ contextIdleMs: 600_000, ...options });
  pools.push(created);
  return created;
}

beforeAll(async () => {
  site = await startFixtureSite();
  jar = await startLocalServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://jar");
    if (url.pathname === "/set") res.setHeader("set-cookie", `job=${url.searchParams.get("v") ?? "x"}; Path=/`);
    // The title is what renderPage reports, so a test sees which cookie this page's context sent.
    html(res, `<!doctype html><title>${req.headers.cookie ?? "no cookie"}</title><p>jar</p>`);
  });
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await Promise.all([site?.close(), jar?.close()]);
});

/** Renders a page of the cookie jar and returns its title: the cookie the context sent, or "no cookie". */
async function jarTitle(p: BrowserPool, path: string, lease: ContextLeaseOptions = {}): Promise<string> {
  const result = await p.withContext((ctx) => renderPage(ctx, renderRequest(`${jar.origin}${path}`), guard), lease);
  if (!result.ok) throw new Error(`render failed: ${result.errorMessage}`);
  return result.title;
}

// Every test has its own pool (and only the crash test asks for /hang), so they run at the same time.
describe.concurrent("BrowserPool shared contexts", () => {
  it("shares one context between the pages of one key: a cookie set by the first is sent by the second", async () => {
    const p = pool();
    await jarTitle(p, "/set?v=one", { shareKey: JOB_A });
    expect(await jarTitle(p, "/show", { shareKey: JOB_A })).toBe("job=one");
    expect(p.stats()).toMatchObject({ pagesRendered: 2, contextsCreated: 1, openContexts: 1, activePages: 0 });
  });

  it("never shares a context between keys, nor with calls that have no key", async () => {
    const p = pool();
    await jarTitle(p, "/set?v=one", { shareKey: JOB_A });
    expect(await jarTitle(p, "/show", { shareKey: contextShareKey("ws_1", "job_b") })).toBe("no cookie");
    expect(await jarTitle(p, "/show", { shareKey: contextShareKey("ws_2", "job_a") })).toBe("no cookie");
    expect(await jarTitle(p, "/show")).toBe("no cookie");
    // A lease that blocks resources is a different context too, so the two settings never mix.
    expect(await jarTitle(p, "/show", { shareKey: JOB_A, blockResources: true })).toBe("no cookie");
    expect(await jarTitle(p, "/show", { shareKey: JOB_A })).toBe("job=one");
    expect(p.stats()).toMatchObject({ pagesRendered: 6, contextsCreated: 5 });
  });

  it("closes a shared context after contextIdleMs; the key's next page gets a fresh one", async () => {
    const p = pool({ contextIdleMs: 300 });
    await jarTitle(p, "/set?v=one", { shareKey: JOB_A });
    expect(p.stats().openContexts).toBe(1);
    await waitFor(() => p.stats().openContexts === 0, "the idle context to close");
    expect(await jarTitle(p, "/show", { shareKey: JOB_A })).toBe("no cookie");
    expect(p.stats().contextsCreated).toBe(2);
  });

  it("closes a shared context once it has served maxPagesPerContext pages", async () => {
    const p = pool({ maxPagesPerContext: 3 });
    await jarTitle(p, "/set?v=one", { shareKey: JOB_A });
    expect(await jarTitle(p, "/show", { shareKey: JOB_A })).toBe("job=one");
    expect(await jarTitle(p, "/show", { shareKey: JOB_A })).toBe("job=one");
    expect(p.stats()).toMatchObject({ openContexts: 0, contextsCreated: 1 });
    expect(await jarTitle(p, "/show", { shareKey: JOB_A })).toBe("no cookie");
    expect(p.stats()).toMatchObject({ pagesRendered: 4, contextsCreated: 2, openContexts: 1 });
  });

  it("renders 8 pages of one key in parallel in one context", async () => {
    const p = pool();
    const seen = new Set<BrowserContext>();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        p.withContext((ctx) => {
          seen.add(ctx);
          // A generous budget: 8 heavy pages at once on a loaded 2-core machine can take a while.
          return renderPage(ctx, renderRequest(`${site.origin}/page/${n}`, { formats: ["text", "links"], timeoutMs: 90_000 }), guard);
        }, { shareKey: JOB_A }),
      ),
    );
    expect(results.map((r) => (r.ok ? r.title : `${r.errorCode}: ${r.errorMessage}`))).toEqual(Array.from({ length: 8 }, (_, n) => `Fixture page ${n}`));
    expect(results.every((r) => r.ok && r.links?.length === 30)).toBe(true);
    expect(seen.size).toBe(1);
    expect(p.stats()).toMatchObject({ pagesRendered: 8, contextsCreated: 1, openContexts: 1, activePages: 0 });
  });

  it("after Chromium crashes, pages caught in it fail cleanly and the key's next page renders in a fresh context", async () => {
    const p = pool();
    await jarTitle(p, "/set?v=one", { shareKey: JOB_A });
    const hang = (): Promise<RenderResult> =>
      p.withContext((ctx) => renderPage(ctx, renderRequest(`${site.origin}/hang`, { timeoutMs: 60_000 }), guard), { shareKey: JOB_A });
    const caught = [hang(), hang()];
    await waitFor(() => site.hits("/hang") >= 2, "two hanging requests");
    const pid = killBrowser(p);
    expect((await Promise.all(caught)).map((r) => !r.ok && r.errorCode)).toEqual(["INTERNAL_ERROR", "INTERNAL_ERROR"]);
    await waitFor(() => p.stats().openContexts === 0, "the dead browser's context to be dropped");

    expect(await jarTitle(p, "/show", { shareKey: JOB_A })).toBe("no cookie");
    expect(p.stats()).toMatchObject({ restarts: 1, contextsCreated: 2 });
    expect(p.stats().browserPid).not.toBe(pid);
  });

  it("recycles after N pages, keeping the old browser until its shared context's pages are done", async () => {
    const p = pool({ recycleAfterPages: 2 });
    await p.start();
    const firstPid = p.stats().browserPid;
    if (firstPid === null) throw new Error("the pool reports no browser pid");

    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holders = [1, 2].map((n) =>
      p.withContext(async (ctx) => {
        await held;
        return renderPage(ctx, renderRequest(`${site.origin}/page/${n}`), guard);
      }, { shareKey: JOB_A }),
    );
    await waitFor(() => p.stats().activePages === 2, "two pages in the shared context");
    expect(p.stats()).toMatchObject({ contextsCreated: 1, openContexts: 1 });

    // The first browser has had its 2 pages: the key's next page goes to a new browser, in a new context.
    expect(await jarTitle(p, "/show", { shareKey: JOB_A })).toBe("no cookie");
    expect(p.stats().browserPid).not.toBe(firstPid);
    expect(isAlive(firstPid)).toBe(true);

    release();
    expect((await Promise.all(holders)).map((r) => r.ok)).toEqual([true, true]);
    await waitFor(() => !isAlive(firstPid), "the drained browser to exit");
    expect(p.stats()).toMatchObject({ pagesRendered: 3, contextsCreated: 2, restarts: 1, openContexts: 1 });
  });

  it("close() waits for a shared context's pages, then closes every context", async () => {
    const p = pool();
    await jarTitle(p, "/set?v=idle", { shareKey: contextShareKey("ws_1", "job_idle") });
    const inFlight = p.withContext((ctx) => renderPage(ctx, renderRequest(`${site.origin}/slow?ms=500`), guard), { shareKey: JOB_A });
    await waitFor(() => p.stats().activePages === 1, "a page in flight");
    await p.close();
    expect(await inFlight).toMatchObject({ ok: true, title: "Slow 500" });
    expect(p.stats()).toMatchObject({ openContexts: 0, activePages: 0, pagesRendered: 2 });
  });
});
