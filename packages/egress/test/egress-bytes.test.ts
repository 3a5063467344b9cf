import { request } from "node:http";
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEgressProxy, type EgressProxy } from "../src/index.ts";
import { memoryLogger, startLocalServer, waitFor, type LocalServer } from "./helpers.ts";

const DOWNLOAD = 300_000;
const UPLOAD = 200_000;
/** Headers and framing on top of the payload: a few hundred bytes per request, far less than this. */
const SLACK = 4096;

let site: LocalServer;
/** A raw TCP target: whatever it reads it counts, and each "more" it reads answers with 100 000 bytes. */
let raw: Server & { received?: number };
const proxies: EgressProxy[] = [];

const newProxy = async (): Promise<EgressProxy> => {
  const proxy = await startEgressProxy({ policy: { allowLoopback: true, lookup: async () => ["127.0.0.1"] }, logger: memoryLogger() });
  proxies.push(proxy);
  return proxy;
};

beforeAll(async () => {
  site = await startLocalServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(req.method === "POST" ? String(Buffer.concat(chunks).length) : Buffer.alloc(DOWNLOAD, 7));
    });
  });
  raw = createServer((socket) => {
    socket.on("data", (chunk: Buffer) => {
      raw.received = (raw.received ?? 0) + chunk.length;
      if (chunk.toString().includes("more")) socket.write(Buffer.alloc(100_000, 1));
    });
  });
  await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await site.close();
  await new Promise<void>((resolve) => raw.close(() => resolve()));
});

function viaProxy(proxy: EgressProxy, method: "GET" | "POST", body?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: proxy.port, method, path: `${site.origin}/x`, headers: { host: new URL(site.origin).host }, agent: false });
    req.on("response", (res) => {
      let n = 0;
      res.on("data", (c: Buffer) => (n += c.length));
      res.on("end", () => resolve(n));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("egress proxy byte meter", () => {
  it("counts a plain-HTTP download as down and an upload as up, headers included", async () => {
    const proxy = await newProxy();
    expect(proxy.bytes()).toEqual({ up: 0, down: 0 });
    expect(await viaProxy(proxy, "GET")).toBe(DOWNLOAD);
    await waitFor(() => proxy.bytes().down >= DOWNLOAD, "the download to be counted");
    const afterGet = proxy.bytes();
    expect(afterGet.down).toBeLessThan(DOWNLOAD + SLACK);
    expect(afterGet.up).toBeLessThan(SLACK);

    await viaProxy(proxy, "POST", Buffer.alloc(UPLOAD, 3));
    await waitFor(() => proxy.bytes().up >= UPLOAD, "the upload to be counted");
    const afterPost = proxy.bytes();
    expect(afterPost.up).toBeLessThan(UPLOAD + 2 * SLACK);
    expect(afterPost.down - afterGet.down).toBeLessThan(SLACK);
  });

  it("counts a CONNECT tunnel while it is still open, and keeps the count after it closes and after close()", async () => {
    const proxy = await newProxy();
    const other = await newProxy();
    const rawPort = (raw.address() as AddressInfo).port;
    const socket: Socket = connect({ host: "127.0.0.1", port: proxy.port });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(`CONNECT 127.0.0.1:${rawPort} HTTP/1.1\r\nhost: 127.0.0.1:${rawPort}\r\n\r\n`);
    let received = 0;
    socket.on("data", (c: Buffer) => (received += c.length));
    await waitFor(() => received > 0, "the tunnel to open");
    socket.write(Buffer.concat([Buffer.alloc(50_000, 2), Buffer.from("more")]));
    await waitFor(() => received >= 100_000, "the answer through the tunnel");
    // Still open: the live socket's counters are read as they go.
    const live = proxy.bytes();
    expect(live.up).toBeGreaterThanOrEqual(50_004);
    expect(live.up).toBeLessThan(50_004 + SLACK);
    expect(live.down).toBeGreaterThanOrEqual(100_000);
    expect(live.down).toBeLessThan(100_000 + SLACK);
    // Another proxy's traffic is its own.
    expect(other.bytes()).toEqual({ up: 0, down: 0 });

    socket.destroy();
    await waitFor(() => proxy.stats().openSockets === 0, "the tunnel to close");
    expect(proxy.bytes()).toEqual(live);
    await proxy.close();
    expect(proxy.bytes()).toEqual(live);
  });
});
