import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { contextShareKey, renderPage, type BrowserPool, type ContextLeaseOptions, type RenderResult } from "../src/index.ts";
import type { EgressProxy } from "@browserfleet/egress";
import { html, loopbackGuard, renderRequest, startLocalServer, testEgress, testPool, type LocalServer } from "./helpers.ts";

const HEAVY = ["/pic.png", "/font.woff2", "/clip.webm"];
// A 1x1 transparent PNG.
const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

/** Server A is the site being scraped; server B stands for an internal address no page may reach. */
function startServerA(serverB: LocalServer): Promise<LocalServer> {
  return startLocalServer((req, res) => {
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
}

interface Setup {
  serverA: LocalServer;
  serverB: LocalServer;
  /** Behind its own egress proxy (refusing B) when the block asked for one. */
  pool: BrowserPool;
}

/**
 * Servers A and B and a started pool for the describe block it is called in, reset before each of its tests.
 * Each block has its own, so the blocks run at the same time while a block's tests run one after another.
 */
function useSetup(proxied: boolean): Setup {
  let setup: Setup | undefined;
  let proxy: EgressProxy | undefined;
  beforeAll(async () => {
    const serverB = await startLocalServer();
    const serverA = await startServerA(serverB);
    proxy = proxied ? await testEgress([serverB.port]) : undefined;
    // Shared contexts live for the whole file, however slowly a loaded machine renders.
    const pool = testPool({ ...(proxy === undefined ? {} : { egress: proxy }), contextIdleMs: 600_000 });
    setup = { serverA, serverB, pool };
    await pool.start();
  });
  afterAll(async () => {
    await setup?.pool.close();
    await proxy?.close();
    await Promise.all([setup?.serverA.close(), setup?.serverB.close()]);
  });
  beforeEach(() => {
    for (const server of [setup?.serverA, setup?.serverB]) {
      if (server === undefined) continue;
      server.requests.length = 0;
      server.connections = 0;
    }
  });
  const ready = (): Setup => {
    if (setup === undefined) throw new Error("the servers and pool are not ready before beforeAll");
    return setup;
  };
  return {
    get serverA() {
      return ready().serverA;
    },
    get serverB() {
      return ready().serverB;
    },
    get pool() {
      return ready().pool;
    },
  };
}

const refuseB = (s: Setup): ReturnType<typeof loopbackGuard> => loopbackGuard([s.serverB.port]);

function render(s: Setup, path: string, lease: ContextLeaseOptions, guard = refuseB(s)): Promise<RenderResult> {
  return s.pool.withContext((ctx) => renderPage(ctx, renderRequest(`${s.serverA.origin}${path}`, { formats: ["text"] }), guard), lease);
}

/** Gives late requests (images, frames, fetches) time to be made, so a leak would show. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

describe.concurrent("blockResources", () => {
  const s = useSetup(false);

  it.sequential("aborts images, media and fonts, and the page still renders", async () => {
    const blocked = await render(s, "/gallery", { shareKey: contextShareKey("ws_1", "block"), blockResources: true });
    expect(blocked).toMatchObject({ ok: true, title: "gallery", text: "gallery text" });
    await settle();
    expect(s.serverA.requests).toEqual(["/gallery"]);

    // The same page without blocking does fetch them, so the assertion above is not vacuous.
    s.serverA.requests.length = 0;
    expect(await render(s, "/gallery", { shareKey: contextShareKey("ws_1", "no-block") })).toMatchObject({ ok: true });
    await settle();
    expect(s.serverA.requests).toEqual(expect.arrayContaining(["/gallery", "/pic.png", "/font.woff2"]));
  });

  it.sequential("works for a private context too", async () => {
    expect(await render(s, "/gallery", { blockResources: true })).toMatchObject({ ok: true, title: "gallery" });
    await settle();
    expect(s.serverA.requests.filter((path) => HEAVY.includes(path))).toEqual([]);
  });
});

describe.concurrent.each([
  { name: "render guard", proxied: false },
  { name: "render guard and egress proxy", proxied: true },
])("SSRF guard in a shared context: $name", ({ proxied }) => {
  const s = useSetup(proxied);

  it.sequential.each([false, true])("keeps a refused host refused for every page of the context (blockResources %s)", async (blockResources) => {
    const p = s.pool;
    const lease = { shareKey: contextShareKey("ws_1", `ssrf-${proxied}-${blockResources}`), blockResources };
    const created = p.stats().contextsCreated;
    // One guard function for the job, as its verdict cache would be shared; a fresh one per page must refuse the same.
    const jobGuard = refuseB(s);
    for (const guard of [jobGuard, jobGuard, refuseB(s)]) {
      expect(await render(s, "/", lease, guard)).toMatchObject({ ok: true, title: "A" });
      const direct = await p.withContext((ctx) => renderPage(ctx, renderRequest(`${s.serverB.origin}/secret`), guard), lease);
      expect(direct).toMatchObject({ ok: false, errorCode: "URL_NOT_ALLOWED" });
      const redirected = await render(s, "/to-b", lease, guard);
      expect(redirected).toMatchObject({ ok: false, errorCode: "URL_NOT_ALLOWED" });
      expect(!redirected.ok && redirected.errorMessage).toBe(`redirect to ${s.serverB.origin}/secret is not allowed: port ${s.serverB.port} is refused by the test guard`);
      expect(await render(s, "/reaches-b", lease, guard)).toMatchObject({ ok: true, text: "content" });
    }
    await settle();
    expect(s.serverB.requests).toEqual([]);
    if (proxied) expect(s.serverB.connections).toBe(0);
    expect(p.stats().contextsCreated).toBe(created + 1);
  });
});

describe.concurrent("egress proxy behind a reused context", () => {
  const s = useSetup(true);

  it.sequential("reports an https redirect hop the proxy refused as URL_NOT_ALLOWED on every page of the context", async () => {
    const lease = { shareKey: contextShareKey("ws_1", "egress") };
    const target = `https://127.0.0.1:${s.serverB.port}/secret`;
    // The render guard lets everything through here: only the proxy, found through the context's egress link, refuses.
    for (let page = 0; page < 3; page += 1) {
      const result = await render(s, `/to-url?u=${encodeURIComponent(target)}`, lease, loopbackGuard());
      expect(result).toMatchObject({ ok: false, errorCode: "URL_NOT_ALLOWED" });
      expect(!result.ok && result.errorMessage).toBe(`redirect to ${target} is not allowed: port ${s.serverB.port} is refused by the test guard`);
    }
    expect(s.serverB.connections).toBe(0);
  });
});
