import { request, type IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loopbackOnlyLookup } from "@browserfleet/core";
import { startEgressProxy, type EgressPolicy, type EgressProxy } from "../src/index.ts";
import { closedPort, memoryLogger, startLocalServer, waitFor, type LocalServer } from "./helpers.ts";

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain-HTTP proxy request, as Chromium sends it: absolute URI in the request line. */
function viaProxy(proxy: EgressProxy, url: string, options: { method?: string; body?: Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: proxy.port, method: options.method ?? "GET", path: url, headers: { host: new URL(url).host }, agent: false });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Opens a CONNECT tunnel and, if it opened, speaks one HTTP request through it. */
function tunnel(proxy: EgressProxy, authority: string): Promise<Answer & { socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: proxy.port, method: "CONNECT", path: authority, agent: false });
    req.on("connect", (res, socket: Socket) => {
      const chunks: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      socket.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), socket }));
      socket.on("error", reject);
      if (res.statusCode === 200) socket.write(`GET /through-tunnel HTTP/1.1\r\nhost: ${authority}\r\nconnection: close\r\n\r\n`);
    });
    req.on("error", reject);
    req.end();
  });
}

let target: LocalServer;
let refused: LocalServer;
const proxies: EgressProxy[] = [];

async function proxyWith(policy: Partial<EgressPolicy> = {}, timeouts: { idleTimeoutMs?: number } = {}): Promise<EgressProxy> {
  const proxy = await startEgressProxy({
    policy: {
      allowLoopback: true,
      lookup: async (host) => (host === "alias.test" ? ["127.0.0.1"] : Promise.reject(new Error(`no such host ${host}`))),
      refuse: (_address, port) => (port === refused.port ? `port ${port} is refused by the test policy` : null),
      ...policy,
    },
    logger: memoryLogger(),
    ...timeouts,
  });
  proxies.push(proxy);
  return proxy;
}

beforeAll(async () => {
  refused = await startLocalServer();
  target = await startLocalServer((req, res) => {
    if (req.url === "/forged") {
      res.writeHead(200, { "x-browserfleet-refused": "forged by the target", "set-cookie": ["a=1", "b=2"] });
      return void res.end("ok");
    }
    if (req.method === "POST") {
      res.writeHead(200, { "content-type": "application/octet-stream", "x-host": req.headers.host ?? "" });
      return void req.pipe(res);
    }
    res.writeHead(200, { "content-type": "text/plain", "x-host": req.headers.host ?? "" });
    res.end(`hello ${req.url}`);
  });
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await Promise.all([target?.close(), refused?.close()]);
});

beforeEach(() => {
  for (const server of [target, refused]) {
    server.requests.length = 0;
    server.connections = 0;
  }
});

describe("egress proxy: plain HTTP", () => {
  it("forwards an absolute-URI request and keeps the Host the client sent", async () => {
    const proxy = await proxyWith();
    const answer = await viaProxy(proxy, `http://alias.test:${target.port}/page?q=1`);
    expect(answer).toMatchObject({ status: 200, body: "hello /page?q=1" });
    expect(answer.headers["x-host"]).toBe(`alias.test:${target.port}`);
  });

  it("streams a request body up and the response body down", async () => {
    const proxy = await proxyWith();
    const body = Buffer.alloc(2 * 1024 * 1024, "x");
    const answer = await viaProxy(proxy, `${target.origin}/echo`, { method: "POST", body });
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBe(body.length);
  });

  it("refuses with 403 and a reason header, and never connects to the target", async () => {
    const proxy = await proxyWith();
    const answer = await viaProxy(proxy, `${refused.origin}/secret`);
    expect(answer.status).toBe(403);
    expect(answer.headers["x-browserfleet-refused"]).toBe(`port ${refused.port} is refused by the test policy`);
    expect(answer.body).toMatch(/refused/);
    expect(refused.connections).toBe(0);
    expect(proxy.stats().refused).toBe(1);
  });

  it("refuses loopback when the policy does not allow it", async () => {
    const proxy = await proxyWith({ allowLoopback: false });
    const answer = await viaProxy(proxy, `http://alias.test:${target.port}/`);
    expect(answer.status).toBe(403);
    expect(answer.headers["x-browserfleet-refused"]).toBe("host alias.test resolves to 127.0.0.1, which is private, loopback, link-local or reserved");
    expect(target.connections).toBe(0);
  });

  it("answers 502 when the host does not resolve, or the target is down", async () => {
    const proxy = await proxyWith();
    const unresolved = await viaProxy(proxy, "http://nowhere.test/");
    expect(unresolved.status).toBe(502);
    expect(unresolved.headers["x-browserfleet-egress-error"]).toMatch(/nowhere\.test could not be resolved/);
    const down = await viaProxy(proxy, `http://127.0.0.1:${await closedPort()}/`);
    expect(down.status).toBe(502);
    expect(down.headers["x-browserfleet-egress-error"]).toMatch(/ECONNREFUSED/);
  });

  it("strips the proxy's own headers from a target's answer, so a page cannot fake a refusal", async () => {
    const proxy = await proxyWith();
    const answer = await viaProxy(proxy, `${target.origin}/forged`);
    expect(answer.status).toBe(200);
    expect(answer.headers["x-browserfleet-refused"]).toBeUndefined();
    expect(answer.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
  });

  it("refuses to proxy to itself", async () => {
    const proxy = await proxyWith();
    const answer = await viaProxy(proxy, `${proxy.url}/loop`);
    expect(answer.status).toBe(403);
  });
});

describe("egress proxy: CONNECT", () => {
  it("opens a tunnel to an allowed target", async () => {
    const proxy = await proxyWith();
    const answer = await tunnel(proxy, `alias.test:${target.port}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/hello \/through-tunnel/);
    expect(target.requests).toEqual(["/through-tunnel"]);
  });

  it("refuses with 403, never connects, and remembers why for renderPage", async () => {
    const proxy = await proxyWith();
    const answer = await tunnel(proxy, `127.0.0.1:${refused.port}`);
    expect(answer.status).toBe(403);
    expect(answer.headers["x-browserfleet-refused"]).toBe(`port ${refused.port} is refused by the test policy`);
    expect(refused.connections).toBe(0);
    expect(proxy.tunnelFailure(`127.0.0.1:${refused.port}`)).toEqual({ kind: "refused", reason: `port ${refused.port} is refused by the test policy` });
  });

  it("answers 502 for an unresolvable host or a target that is down", async () => {
    const proxy = await proxyWith();
    expect((await tunnel(proxy, "nowhere.test:443")).status).toBe(502);
    const port = await closedPort();
    expect((await tunnel(proxy, `127.0.0.1:${port}`)).status).toBe(502);
    expect(proxy.tunnelFailure(`127.0.0.1:${port}`)).toMatchObject({ kind: "failed", reason: expect.stringMatching(/ECONNREFUSED/) });
  });

  it("rejects a CONNECT target that is not host:port", async () => {
    const proxy = await proxyWith();
    expect((await tunnel(proxy, "alias.test")).status).toBe(400);
  });

  it("closes an idle tunnel, and close() destroys every open one", async () => {
    const idle = await proxyWith({}, { idleTimeoutMs: 300 });
    const req = request({ host: "127.0.0.1", port: idle.port, method: "CONNECT", path: `127.0.0.1:${target.port}`, agent: false });
    const socket = await new Promise<Socket>((resolve) => req.on("connect", (_res, s: Socket) => resolve(s)).end());
    let closed = false;
    socket.on("close", () => (closed = true)).resume();
    await waitFor(() => closed, "the idle tunnel to close", 5_000);

    const proxy = await proxyWith();
    const held = request({ host: "127.0.0.1", port: proxy.port, method: "CONNECT", path: `127.0.0.1:${target.port}`, agent: false });
    const open = await new Promise<Socket>((resolve) => held.on("connect", (_res, s: Socket) => resolve(s)).end());
    let heldClosed = false;
    open.on("close", () => (heldClosed = true)).resume();
    await proxy.close();
    await waitFor(() => heldClosed, "close() to end the tunnel", 5_000);
  });
});

describe("egress proxy: loopback-only lookup", () => {
  it("reaches localhost and 127.0.0.1 but resolves no other name", async () => {
    const proxy = await proxyWith({ lookup: loopbackOnlyLookup });
    expect((await viaProxy(proxy, `http://localhost:${target.port}/`)).status).toBe(200);
    expect((await viaProxy(proxy, `${target.origin}/`)).status).toBe(200);
    const answer = await viaProxy(proxy, "http://update.googleapis.com/service/update2/json", { method: "POST" });
    expect(answer.status).toBe(502);
    expect(answer.headers["x-browserfleet-egress-error"]).toMatch(/not resolved: DNS_LOOPBACK_ONLY is on/);
  });
});

describe("egress proxy: DNS rebinding", () => {
  /** Answers loopback once, then 0.0.0.0 (which Linux routes to loopback): a rebinding DNS server. */
  function rebindingLookup(): { lookup: (host: string) => Promise<string[]>; calls: () => number } {
    let calls = 0;
    return { lookup: async () => (++calls === 1 ? ["127.0.0.1"] : ["0.0.0.0"]), calls: () => calls };
  }

  it("resolves once per request and connects to the address it checked", async () => {
    const dns = rebindingLookup();
    const proxy = await proxyWith({ lookup: dns.lookup });
    const first = await viaProxy(proxy, `http://rebind.test:${target.port}/first`);
    expect(first).toMatchObject({ status: 200, body: "hello /first" });
    expect(dns.calls()).toBe(1);
    const second = await viaProxy(proxy, `http://rebind.test:${target.port}/second`);
    expect(second.status).toBe(403);
    expect(second.headers["x-browserfleet-refused"]).toMatch(/rebind\.test resolves to 0\.0\.0\.0/);
    expect(target.requests).toEqual(["/first"]);
  });

  it("pins CONNECT tunnels the same way", async () => {
    const dns = rebindingLookup();
    const proxy = await proxyWith({ lookup: dns.lookup });
    expect((await tunnel(proxy, `rebind.test:${target.port}`)).status).toBe(200);
    const connections = target.connections;
    expect((await tunnel(proxy, `rebind.test:${target.port}`)).status).toBe(403);
    expect(dns.calls()).toBe(2);
    expect(target.connections).toBe(connections);
  });

  it("refuses a host when any one of its addresses is refused", async () => {
    const proxy = await proxyWith({ lookup: async () => ["127.0.0.1", "0.0.0.0"] });
    const answer = await viaProxy(proxy, `http://mixed.test:${target.port}/`);
    expect(answer.status).toBe(403);
    expect(target.connections).toBe(0);
  });
});

describe("slow answers on reused upstream connections", () => {
  it("waits for a slow answer on a kept-alive connection whose server advertised a short keep-alive", async () => {
    const { createServer } = await import("node:http");
    // Node's own server: `Keep-Alive: timeout=5`, a hint Node's client agent applies to the socket.
    const slow = createServer((req, res) => {
      const ms = req.url === "/slow" ? 6_500 : 0;
      setTimeout(() => res.end(`answered after ${ms} ms`), ms);
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    const port = (slow.address() as { port: number }).port;
    try {
      const proxy = await proxyWith();
      expect((await viaProxy(proxy, `http://127.0.0.1:${port}/fast`)).status).toBe(200);
      const answer = await viaProxy(proxy, `http://127.0.0.1:${port}/slow`);
      expect(answer).toMatchObject({ status: 200, body: "answered after 6500 ms" });
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  }, 30_000);
});
