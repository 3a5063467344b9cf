import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { checkTargetUrl } from "@browserfleet/core";
import { startFixtureSite, type FixtureSite } from "../../../test/support/fixture-site.ts";
import { renderPage, type BrowserPool } from "../src/index.ts";
import type { EgressProxy } from "@browserfleet/egress";
import { holdUntil, html, loopbackGuard, renderRequest, startLocalServer, testEgress, testPool, type LocalServer } from "./helpers.ts";

// Server A is the site being scraped; server B stands for an internal address Chromium must never reach; C is any allowed site.
interface Servers {
  site: FixtureSite;
  serverA: LocalServer;
  serverB: LocalServer;
  serverC: LocalServer;
  /** Forgets what the servers saw, before each test. */
  reset(): void;
  close(): Promise<void>;
}


/**
 * One mode's own servers, so the modes can run at the same time without one seeing another's requests.
 * `proxyRefused` reads the mode's egress proxy's refusal count (0 without a proxy).
 */
async function startServers(proxyRefused: () => number): Promise<Servers> {
  const site = await startFixtureSite();
  const serverB = await startLocalServer();
  const serverC = await startLocalServer();
  let refusedAtReset = 0;
  const serverA = await startLocalServer((req, res) => {
    const b = serverB.origin;
    const url = new URL(req.url ?? "/", "http://a");
    const path = url.pathname;
    if (path === "/hop") return void res.writeHead(302, { location: `${site.origin}/redirect?to=${encodeURIComponent(`${b}/deep`)}` }).end();
    if (path === "/img-redirect") return void res.writeHead(302, { location: `${b}/img` }).end();
    if (path === "/subresources") return html(res, `<title>subs</title><img src="${b}/direct.png"><img src="/img-redirect"><p>content</p>`);
    if (path === "/iframe") return html(res, `<title>frames</title><iframe src="http://localhost:${serverA.port}/inner"></iframe>`);
    if (path === "/inner") return html(res, `<p>inner</p><img src="/img-redirect"><script>fetch("/img-redirect").catch(() => {})</script>`);
    if (path === "/popup") return html(res, `<title>popup</title><script>window.open("/img-redirect"); window.open("${b}/popup")</script>`);
    if (path === "/worker") return html(res, `<title>worker</title><script>new Worker("/worker.js")</script><script src="/after-worker.js"></script>`);
    if (path === "/after-worker.js") return void holdUntil(() => serverA.requests.includes("/img-redirect"), 5_000).then(() => res.writeHead(200, { "content-type": "text/javascript" }).end(""));
    if (path === "/worker.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(`fetch("/img-redirect").catch(() => {})`);
    // Chromium starts the prefetch only once the parser is done, so the held script is async: it holds the load event, not the parser.
    if (path === "/speculation") return html(res, `<title>spec</title><script type="speculationrules">{"prefetch":[{"source":"list","urls":["${b}/prefetched"]}]}</script><script async src="/after-speculation.js"></script>`);
    // Held until the prefetch reached B or the mode's proxy refused it (nothing else of this page goes anywhere but A).
    if (path === "/after-speculation.js") return void holdUntil(() => serverB.requests.length > 0 || proxyRefused() > refusedAtReset, 3_000).then(() => res.writeHead(200, { "content-type": "text/javascript" }).end(""));
    // A refused socket reaches no server, so the page tells A when its socket closed (refused, or cut by the server).
    if (path === "/websocket") return html(res, `<title>ws</title><script>new WebSocket("ws://127.0.0.1:${url.searchParams.get("port")}/socket").onclose = () => fetch("/ws-closed").catch(() => {})</script><script src="/after-ws.js"></script>`);
    if (path === "/after-ws.js") return void holdUntil(() => serverB.upgrades.length + serverC.upgrades.length > 0 || serverA.requests.includes("/ws-closed"), 2_000).then(() => res.writeHead(200, { "content-type": "text/javascript" }).end(""));
    html(res, "<title>A</title>");
  });
  return {
    site,
    serverA,
    serverB,
    serverC,
    reset: () => {
      site.resetCounters();
      for (const server of [serverA, serverB, serverC]) {
        server.requests.length = 0;
        server.upgrades.length = 0;
        server.connections = 0;
      }
      refusedAtReset = proxyRefused();
    },
    close: async () => {
      await Promise.all([site.close(), serverA.close(), serverB.close(), serverC.close()]);
    },
  };
}

/** Gives the page's late requests (images, popups, workers) time to be made, so a leak would show. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));

/**
 * Each mode must keep B unreached on its own: the render guard alone (no proxy), the guard with
 * the egress proxy behind it (production), and the egress proxy alone (the render guard lets all through).
 */
const MODES = [
  { name: "render guard, no egress proxy", egress: false, guardRefusesB: true, shared: false },
  { name: "render guard and egress proxy", egress: true, guardRefusesB: true, shared: false },
  { name: "egress proxy alone", egress: true, guardRefusesB: false, shared: false },
  // Every page of the suite in one context, as one job's pages share one: a refused host must stay refused for each of them.
  { name: "render guard, no egress proxy, one shared context", egress: false, guardRefusesB: true, shared: true },
] as const;

// The modes run at the same time, each with its own servers, proxy and pool. A mode's tests run one after
// another (it.sequential): they read its servers' counters, which beforeEach resets.
describe.concurrent.each(MODES)("renderPage SSRF guard: $name", (mode) => {
  const test = it.sequential;
  let servers: Servers | undefined;
  let site: FixtureSite;
  let serverA: LocalServer;
  let serverB: LocalServer;
  let serverC: LocalServer;
  let realPool: BrowserPool;
  let pool: Pick<BrowserPool, "withContext">;
  let proxy: EgressProxy | undefined;
  let refuseB: ReturnType<typeof loopbackGuard>;

  beforeAll(async () => {
    servers = await startServers(() => proxy?.stats().refused ?? 0);
    ({ site, serverA, serverB, serverC } = servers);
    refuseB = mode.guardRefusesB ? loopbackGuard([serverB.port]) : loopbackGuard();
    proxy = mode.egress ? await testEgress([serverB.port]) : undefined;
    realPool = testPool({ ...(proxy === undefined ? {} : { egress: proxy }), maxPagesPerContext: 1000, contextIdleMs: 600_000 });
    await realPool.start();
    pool = mode.shared ? { withContext: <T>(fn: (ctx: BrowserContext) => Promise<T>) => realPool.withContext(fn, { shareKey: "one-job" }) } : realPool;
  });

  afterAll(async () => {
    await realPool?.close();
    await proxy?.close();
    await servers?.close();
  });

  beforeEach(() => servers?.reset());

  /** Behind the proxy B must not even see a TCP connection; the route guard alone only promises no request. */
  function expectBUntouched(): void {
    expect(serverB.requests).toEqual([]);
    expect(serverB.upgrades).toEqual([]);
    if (mode.egress) expect(serverB.connections).toBe(0);
  }

  test("refuses a URL the guard refuses without the site seeing a request", async () => {
    const guard = (url: string) => checkTargetUrl(url, { allowLoopback: false, lookup: async () => [] });
    const result = await pool.withContext((ctx) => renderPage(ctx, renderRequest(`${site.origin}/simple`), guard));
    expect(result).toMatchObject({ ok: false, errorCode: "URL_NOT_ALLOWED" });
    expect(!result.ok && result.errorMessage).toMatch(/127\.0\.0\.1 is private, loopback/);
    expect(site.hits("/simple")).toBe(0);
  });

  test("intercepts a redirect hop before Chromium connects to its target", async () => {
    const result = await pool.withContext((ctx) =>
      renderPage(ctx, renderRequest(`${site.origin}/redirect?to=${encodeURIComponent(`${serverB.origin}/secret`)}`), refuseB),
    );
    expect(result).toMatchObject({ ok: false, errorCode: "URL_NOT_ALLOWED" });
    expect(!result.ok && result.errorMessage).toBe(`redirect to ${serverB.origin}/secret is not allowed: port ${serverB.port} is refused by the test guard`);
    expect(site.hits("/redirect")).toBe(1);
    expectBUntouched();
  });

  test("intercepts the second hop of a redirect chain across servers", async () => {
    const result = await pool.withContext((ctx) => renderPage(ctx, renderRequest(`${serverA.origin}/hop`), refuseB));
    expect(result).toMatchObject({ ok: false, errorCode: "URL_NOT_ALLOWED" });
    expect(site.hits("/redirect")).toBe(1);
    expectBUntouched();
  });

  test("blocks refused subresources, direct or redirected, and still renders the page", async () => {
    const result = await pool.withContext(async (ctx) => {
      const rendered = await renderPage(ctx, renderRequest(`${serverA.origin}/subresources`, { formats: ["text"] }), refuseB);
      await settle();
      return rendered;
    });
    expect(result).toMatchObject({ ok: true, httpStatus: 200, text: "content" });
    expectBUntouched();
  });

  test("covers redirect hops of a cross-site iframe", async () => {
    const result = await pool.withContext(async (ctx) => {
      const rendered = await renderPage(ctx, renderRequest(`${serverA.origin}/iframe`), refuseB);
      await settle();
      return rendered;
    });
    expect(result).toMatchObject({ ok: true, title: "frames" });
    expect(serverA.requests).toEqual(expect.arrayContaining(["/inner", "/img-redirect"]));
    expectBUntouched();
  });

  test("refuses popups, which would escape the page's redirect check", async () => {
    const result = await pool.withContext(async (ctx) => {
      const rendered = await renderPage(ctx, renderRequest(`${serverA.origin}/popup`), refuseB);
      await settle();
      return rendered;
    });
    expect(result).toMatchObject({ ok: true, title: "popup" });
    expectBUntouched();
  });

  test("covers redirect hops of a dedicated worker's requests", async () => {
    await pool.withContext(async (ctx) => {
      await renderPage(ctx, renderRequest(`${serverA.origin}/worker`), refuseB);
      await settle();
    });
    expect(serverA.requests).toEqual(expect.arrayContaining(["/worker.js", "/img-redirect"]));
    expectBUntouched();
  });

  test("refuses a WebSocket to a refused host", async () => {
    const result = await pool.withContext(async (ctx) => {
      const rendered = await renderPage(ctx, renderRequest(`${serverA.origin}/websocket?port=${serverB.port}`), refuseB);
      await settle();
      return rendered;
    });
    expect(result).toMatchObject({ ok: true, title: "ws" });
    expectBUntouched();
  });

  test("lets a WebSocket to an allowed host through", async () => {
    await pool.withContext(async (ctx) => {
      await renderPage(ctx, renderRequest(`${serverA.origin}/websocket?port=${serverC.port}`), loopbackGuard());
      await settle();
    });
    expect(serverC.upgrades).toEqual(["/socket"]);
  });

  // Chromium's PrefetchService fetches speculation-rules URLs from the browser process, where neither route
  // nor any CDP Fetch interceptor sees them: without the egress proxy this stays a known gap.
  (mode.egress ? test : test.fails)("stops speculation-rules prefetches to a refused host", async () => {
    const refusedBefore = proxy?.stats().refused ?? 0;
    await pool.withContext(async (ctx) => {
      await renderPage(ctx, renderRequest(`${serverA.origin}/speculation`), refuseB);
      await settle();
    });
    expectBUntouched();
    // The prefetch was made and the proxy refused it, rather than Chromium skipping it behind a proxy.
    if (proxy !== undefined) expect(proxy.stats().refused).toBeGreaterThan(refusedBefore);
  });

  (mode.shared ? test : test.skip)("rendered every page above in the one shared context", () => {
    expect(realPool.stats()).toMatchObject({ contextsCreated: 1, openContexts: 1, activePages: 0 });
    expect(realPool.stats().pagesRendered).toBeGreaterThanOrEqual(9);
  });
});
