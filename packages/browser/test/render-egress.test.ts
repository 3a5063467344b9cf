import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkTargetUrl, type HostLookup } from "@browserfleet/core";
import { renderPage, type BrowserPool } from "../src/index.ts";
import type { EgressProxy } from "@browserfleet/egress";
import { closedPort, holdUntil, html, loopbackGuard, renderRequest, startLocalServer, testEgress, testLookup, testPool, type LocalServer } from "./helpers.ts";

// Every way a page can make Chromium connect somewhere, each aimed at its own refused local server.
const VECTORS = [
  "img", "iframe", "fetch", "https-fetch", "worker-fetch", "event-source", "beacon", "websocket", "wss", "link-prefetch", "link-preload",
  "preconnect", "favicon", "speculation-prefetch", "speculation-prerender", "prerender-redirect", "popup",
] as const;
type Vector = (typeof VECTORS)[number];
// Chromium never asks the proxy for these: a preconnect opens a connection to the proxy only, headless
// Chromium fetches no favicon, and the route guard aborts every popup before it loads.
const NOT_SENT: Vector[] = ["preconnect", "favicon", "popup"];

let site: LocalServer;
const internal = new Map<Vector, LocalServer>();
let proxy: EgressProxy;
let pool: BrowserPool;
const asked = new Set<number>();
let udp: UdpSocket;
let udpDatagrams = 0;
let turnTcp: LocalServer;
// The proxy's lookup for the current test; a test swaps in a rebinding one.
let lookupNow: HostLookup = testLookup;

const http = (v: Vector, path = "/"): string => `http://127.0.0.1:${internal.get(v)?.port}${path}`;
const https = (v: Vector, path = "/"): string => `https://127.0.0.1:${internal.get(v)?.port}${path}`;

function sinkPage(): string {
  return `<!doctype html><title>sink</title>
<link rel="icon" href="${http("favicon", "/favicon.ico")}">
<link rel="prefetch" href="${http("link-prefetch", "/prefetch")}">
<link rel="preload" as="image" href="${http("link-preload", "/preload.png")}">
<link rel="preconnect" href="${https("preconnect")}">
<img src="${http("img", "/img.png")}"><iframe src="${http("iframe", "/frame")}"></iframe>
<script>
fetch(${JSON.stringify(http("fetch", "/fetch"))}, { mode: "no-cors" }).catch(() => {});
fetch(${JSON.stringify(https("https-fetch", "/fetch"))}, { mode: "no-cors" }).catch(() => {});
new Worker(URL.createObjectURL(new Blob([${JSON.stringify(`fetch("${http("worker-fetch", "/w")}").catch(() => {})`)}])));
new EventSource(${JSON.stringify(http("event-source", "/events"))});
navigator.sendBeacon(${JSON.stringify(http("beacon", "/beacon"))}, "x");
new WebSocket(${JSON.stringify(http("websocket", "/ws").replace("http:", "ws:"))});
new WebSocket(${JSON.stringify(https("wss", "/ws").replace("https:", "wss:"))});
window.open(${JSON.stringify(http("popup", "/popup"))});
</script>`;
}

/** ICE gathering in the page, a script-made iframe and an about:blank popup: STUN over UDP, TURN over TCP. */
function webrtcPage(udpPort: string, tcpPort: string): string {
  const servers = JSON.stringify([{ urls: `stun:127.0.0.1:${udpPort}` }, { urls: `turn:127.0.0.1:${udpPort}?transport=udp`, username: "u", credential: "p" }, { urls: `turn:127.0.0.1:${tcpPort}?transport=tcp`, username: "u", credential: "p" }]);
  return `<!doctype html><title>webrtc</title><script>
async function gather(w) {
  if (!w || !w.RTCPeerConnection) return;
  const pc = new w.RTCPeerConnection({ iceServers: ${servers} });
  pc.createDataChannel("d");
  await pc.setLocalDescription(await pc.createOffer());
}
gather(window);
const frame = document.createElement("iframe");
document.documentElement.append(frame);
gather(frame.contentWindow);
gather(window.open());
</script><script src="/hold.js?ms=2500"></script>`;
}

function speculationPage(): string {
  return `<!doctype html><title>speculation</title>
<script type="speculationrules">{"prefetch":[{"source":"list","urls":["${http("speculation-prefetch", "/next")}"]}],
"prerender":[{"source":"list","urls":["${http("speculation-prerender", "/next")}", "/to?port=${internal.get("prerender-redirect")?.port}"]}]}</script>
<script>addEventListener("load", () => fetch("/hold-after-load").catch(() => {}));</script>`;
}

beforeAll(async () => {
  for (const vector of VECTORS) internal.set(vector, await startLocalServer());
  site = await startLocalServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://site");
    if (url.pathname === "/sink") return html(res, sinkPage());
    if (url.pathname === "/speculation") return html(res, speculationPage());
    // Keeps the speculation page's network busy, and so its networkidle render open, until the browser-process speculation
    // requests reached the proxy. Chromium starts the prerender only after the load event, so holding the load event
    // itself raced the render's end; the bound is only a backstop.
    if (url.pathname === "/hold.js" && url.searchParams.has("ms")) return void setTimeout(() => res.end(""), Number(url.searchParams.get("ms")));
    if (url.pathname === "/hold-after-load") return void holdUntil(() => asked.has(internal.get("speculation-prefetch")?.port ?? 0) && asked.has(internal.get("prerender-redirect")?.port ?? 0), 20_000).then(() => res.end(""));
    if (url.pathname === "/to-url") return void res.writeHead(302, { location: url.searchParams.get("u") ?? "/" }).end();
    if (url.pathname === "/to") return void res.writeHead(302, { location: `http://127.0.0.1:${url.searchParams.get("port")}/landed` }).end();
    if (url.pathname === "/webrtc") return html(res, webrtcPage(url.searchParams.get("udp") ?? "", url.searchParams.get("tcp") ?? ""));
    html(res, "<title>site</title>");
  });
  udp = createSocket("udp4");
  udp.on("message", () => (udpDatagrams += 1));
  await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
  turnTcp = await startLocalServer();
  const refusedPorts = [...[...internal.values()].map((server) => server.port), turnTcp.port, udp.address().port];
  proxy = await testEgress(refusedPorts, { refusedSeen: asked, lookup: (host) => lookupNow(host) });
  pool = testPool({ egress: proxy });
  await pool.start();
});

afterAll(async () => {
  await pool?.close();
  await proxy?.close();
  await Promise.all([site?.close(), turnTcp?.close(), ...[...internal.values()].map((server) => server.close())]);
  udp?.close();
});

beforeEach(() => {
  asked.clear();
  lookupNow = testLookup;
  udpDatagrams = 0;
  turnTcp.connections = 0;
  site.connections = 0;
  site.requests.length = 0;
});

describe("egress proxy behind renderPage", () => {
  it("keeps every kind of page-made connection away from refused servers, with the render guard letting all through", async () => {
    const result = await pool.withContext(async (ctx) => {
      const rendered = await renderPage(ctx, renderRequest(`${site.origin}/sink`), loopbackGuard());
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      return rendered;
    });
    expect(result).toMatchObject({ ok: true, title: "sink" });
    const speculation = await pool.withContext((ctx) => renderPage(ctx, renderRequest(`${site.origin}/speculation`, { waitUntil: "networkidle" }), loopbackGuard()));
    expect(speculation).toMatchObject({ ok: true, title: "speculation" });
    expect(VECTORS.filter((v) => (internal.get(v)?.connections ?? 0) > 0)).toEqual([]);
    // Each of these was really attempted: it reached the proxy and was refused there.
    expect(VECTORS.filter((v) => asked.has(internal.get(v)?.port ?? 0))).toEqual(VECTORS.filter((v) => !NOT_SENT.includes(v)));
  });

  it("lets no WebRTC UDP leave and sends TURN over TCP through the proxy, in frames and popups too", async () => {
    const webrtc = `${site.origin}/webrtc?udp=${udp.address().port}&tcp=${turnTcp.port}`;
    const result = await pool.withContext((ctx) => renderPage(ctx, renderRequest(webrtc), loopbackGuard()));
    expect(result).toMatchObject({ ok: true, title: "webrtc" });
    expect(udpDatagrams).toBe(0);
    expect(turnTcp.connections).toBe(0);
    expect(asked.has(turnTcp.port)).toBe(true);

    // The same page without the proxy does send STUN, so the silence above is the proxy's doing.
    const unproxied = testPool();
    try {
      await unproxied.withContext((ctx) => renderPage(ctx, renderRequest(webrtc), loopbackGuard()));
    } finally {
      await unproxied.close();
    }
    expect(udpDatagrams).toBeGreaterThan(0);
  });
});

describe("egress proxy against DNS rebinding", () => {
  /** A rebinding DNS server: rebind.test answers loopback once, then 0.0.0.0 (which Linux routes to loopback). */
  function rebinding(): HostLookup {
    let calls = 0;
    return async (host) => (host === "rebind.test" ? (++calls === 1 ? ["127.0.0.1"] : ["0.0.0.0"]) : testLookup(host));
  }

  it.each(["http", "https"])("refuses a %s target whose name rebinds after the render guard checked it", async (scheme) => {
    const dns = rebinding();
    lookupNow = dns;
    // The render guard asks first and gets the harmless answer; the proxy's own lookup gets the rebound one.
    const guard = (url: string) => checkTargetUrl(url, { allowLoopback: true, lookup: dns });
    const result = await pool.withContext((ctx) => renderPage(ctx, renderRequest(`${scheme}://rebind.test:${site.port}/`), guard));
    expect(result).toMatchObject({ ok: false, errorCode: "URL_NOT_ALLOWED" });
    expect(!result.ok && result.errorMessage).toBe(
      `${scheme}://rebind.test:${site.port}/ is not allowed: host rebind.test resolves to 0.0.0.0, which is private, loopback, link-local or reserved`,
    );
    expect(site.connections).toBe(0);
  });
});

describe("egress proxy failures seen by renderPage", () => {
  it.each(["http", "https"])("reports a %s host that does not resolve as a navigation failure", async (scheme) => {
    const result = await pool.withContext((ctx) => renderPage(ctx, renderRequest(`${scheme}://no-such-host.invalid/`), loopbackGuard()));
    expect(result).toMatchObject({ ok: false, errorCode: "NAVIGATION_FAILED" });
    expect(!result.ok && result.errorMessage).toMatch(/^the page could not be loaded: host no-such-host\.invalid could not be resolved/);
  });

  it.each(["http", "https"])("reports a %s target that refuses connections as a navigation failure", async (scheme) => {
    const port = await closedPort();
    const result = await pool.withContext((ctx) => renderPage(ctx, renderRequest(`${scheme}://127.0.0.1:${port}/`), loopbackGuard()));
    expect(result).toMatchObject({ ok: false, errorCode: "NAVIGATION_FAILED" });
    expect(!result.ok && result.errorMessage).toMatch(/could not reach 127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  });

  it("reports an https redirect hop the proxy refused as URL_NOT_ALLOWED via redirect", async () => {
    const target = `https://127.0.0.1:${internal.get("img")?.port}/secret`;
    const result = await pool.withContext((ctx) => renderPage(ctx, renderRequest(`${site.origin}/to-url?u=${encodeURIComponent(target)}`), loopbackGuard()));
    expect(result).toMatchObject({ ok: false, errorCode: "URL_NOT_ALLOWED" });
    expect(!result.ok && result.errorMessage).toBe(`redirect to ${target} is not allowed: port ${internal.get("img")?.port} is refused by the test guard`);
  });
});
