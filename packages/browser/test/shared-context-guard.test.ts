import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { contextShareKey, renderPage, type BrowserPool, type ContextLeaseOptions, type RenderResult } from "../src/index.ts";
import type { EgressProxy } from "@browserfleet/egress";
import { html, loopbackGuard, renderRequest, startLocalServer, testEgress, testPool, type LocalServer } from "./helpers.ts";

// Server A is the site being scraped; server B stands for an internal address no page may reach.
let serverA: LocalServer;
let serverB: LocalServer;
let proxy: EgressProxy;
let pool: BrowserPool;
let proxiedPool: BrowserPool;
const refuseB = (): ReturnType<typeof loopbackGuard> => loopbackGuard([serverB.port]);
const HEAVY = ["/pic.png", "/font.woff2", "/clip.webm"];
// A 1x1 transparent PNG.
const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

beforeAll(async () => {
  serverB = await startLocalServer();
  serverA = await startLocalServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://a");
    const b = serverB.origin;
    if (url.pathname === "/gallery") {
      return html(
        res,
        `<!doctype html><title>gallery</title><style>@font-face{font-family:F;src:url(/font.woff2)}body{font-family:F}</style>
<img src="/pic.png"><video src="/clip.webm" autoplay muted></video><p>gallery text</p>`,
      );
    }
    if (url.pathname === "/pic.png") return void res.writeHead(200, { "content-type": "image/png" }).end(PIXEL);
    if (url.pathname === "/to-b") return void res.writeHead(302, { location: `${b}/secret` }).end();
    if (url.pathname === "/to-url") return void res.writeHead(302, { location: url.searchParams.get("u") ?? "/" }).end();
    if (url.pathname === "/reaches-b") {
      return html(res, `<title>reaches</title><img src="${b}/img.png"><iframe src="${b}/frame"></iframe><script>fetch("${b}/fetch").catch(() => {})</script><p>content</p>`);
    }
    html(res, "<title>A</title>");
  });
  proxy = await testEgress([serverB.port]);
  // Shared contexts live for the whole file, however slowly a loaded machine renders.
  pool = testPool({ contextIdleMs: 600_000 });
  proxiedPool = testPool({ egress: proxy, contextIdleMs: 600_000 });
  await Promise.all([pool.start(), proxiedPool.start()]);
});

afterAll(async () => {
  await Promise.all([pool?.close(), proxiedPool?.close()]);
  await proxy?.close();
  await Promise.all([serverA?.close(), serverB?.close()]);
});

beforeEach(() => {
  for (const server of [serverA, serverB]) {
    server.requests.length = 0;
    server.connections = 0;
  }
});

function render(p: BrowserPool, path: string, lease: ContextLeaseOptions, guard = refuseB()): Promise<RenderResult> {
  return p.withContext((ctx) => renderPage(ctx, renderRequest(`${serverA.origin}${path}`, { formats: ["text"] }), guard), lease);
}

/** Gives late requests (images, frames, fetches) time to be made, so a leak would show. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

describe("blockResources", () => {
  it("aborts images, media and fonts, and the page still renders", async () => {
    const blocked = await render(pool, "/gallery", { shareKey: contextShareKey("ws_1", "block"), blockResources: true });
    expect(blocked).toMatchObject({ ok: true, title: "gallery", text: "gallery text" });
    await settle();
    expect(serverA.requests).toEqual(["/gallery"]);

    // The same page without blocking does fetch them, so the assertion above is not vacuous.
    serverA.requests.length = 0;
    expect(await render(pool, "/gallery", { shareKey: contextShareKey("ws_1", "no-block") })).toMatchObject({ ok: true });
    await settle();
    expect(serverA.requests).toEqual(expect.arrayContaining(["/gallery", "/pic.png", "/font.woff2"]));
  });

  it("works for a private context too", async () => {
    expect(await render(pool, "/gallery", { blockResources: true })).toMatchObject({ ok: true, title: "gallery" });
    await settle();
    expect(serverA.requests.filter((path) => HEAVY.includes(path))).toEqual([]);
  });
});

describe.each([
  { name: "render guard", proxied: false },
  { name: "render guard and egress proxy", proxied: true },
])("SSRF guard in a shared context: $name", ({ proxied }) => {
  it.each([false, true])("keeps a refused host refused for every page of the context (blockResources %s)", async (blockResources) => {
    const p = proxied ? proxiedPool : pool;
    const lease = { shareKey: contextShareKey("ws_1", `ssrf-${proxied}-${blockResources}`), blockResources };
    const created = p.stats().contextsCreated;
    // One guard function for the job, as its verdict cache would be shared; a fresh one per page must refuse the same.
    const jobGuard = refuseB();
    for (const guard of [jobGuard, jobGuard, refuseB()]) {
      expect(await render(p, "/", lease, guard)).toMatchObject({ ok: true, title: "A" });
      const direct = await p.withContext((ctx) => renderPage(ctx, renderRequest(`${serverB.origin}/secret`), guard), lease);
      expect(direct).toMatchObject({ ok: false, errorCode: "URL_NOT_ALLOWED" });
      const redirected = await render(p, "/to-b", lease, guard);
      expect(redirected).toMatchObject({ ok: false, errorCode: "URL_NOT_ALLOWED" });
      expect(!redirected.ok && redirected.errorMessage).toBe(`redirect to ${serverB.origin}/secret is not allowed: port ${serverB.port} is refused by the test guard`);
      expect(await render(p, "/reaches-b", lease, guard)).toMatchObject({ ok: true, text: "content" });
    }
    await settle();
    expect(serverB.requests).toEqual([]);
    if (proxied) expect(serverB.connections).toBe(0);
    expect(p.stats().contextsCreated).toBe(created + 1);
  });
});

describe("egress proxy behind a reused context", () => {
  it("reports an https redirect hop the proxy refused as URL_NOT_ALLOWED on every page of the context", async () => {
    const lease = { shareKey: contextShareKey("ws_1", "egress") };
    const target = `https://127.0.0.1:${serverB.port}/secret`;
    // The render guard lets everything through here: only the proxy, found through the context's egress link, refuses.
    for (let page = 0; page < 3; page += 1) {
      const result = await render(proxiedPool, `/to-url?u=${encodeURIComponent(target)}`, lease, loopbackGuard());
      expect(result).toMatchObject({ ok: false, errorCode: "URL_NOT_ALLOWED" });
      expect(!result.ok && result.errorMessage).toBe(`redirect to ${target} is not allowed: port ${serverB.port} is refused by the test guard`);
    }
    expect(serverB.connections).toBe(0);
  });
});
