import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { HostLookup } from "@browserfleet/core";
import type { Logger } from "@browserfleet/runtime";
import { startEgressProxy, type EgressProxy } from "../src/index.ts";

/** Collects what the pool or proxy logs, so a test can read it. */
export function memoryLogger(): Logger & { lines: { level: string; obj: object; msg?: string }[] } {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
}

/** Names tests may use; anything else fails to resolve, and nothing ever asks real DNS. */
export const testLookup: HostLookup = async (host) => {
  if (host === "localhost" || host.endsWith(".alias.test")) return ["127.0.0.1"];
  throw new Error(`tests resolve nothing (${host})`);
};

/** An egress proxy with the test guard's policy: loopback allowed, no DNS, some local ports refused with the guard's words. */
export function testEgress(refusedPorts: number[] = [], options: { lookup?: HostLookup; refusedSeen?: Set<number> } = {}): Promise<EgressProxy> {
  return startEgressProxy({
    policy: {
      allowLoopback: true,
      lookup: options.lookup ?? testLookup,
      refuse: (_address, port) => {
        if (!refusedPorts.includes(port)) return null;
        options.refusedSeen?.add(port);
        return `port ${port} is refused by the test guard`;
      },
    },
    logger: memoryLogger(),
  });
}

/** A 127.0.0.1 server with custom handlers that counts every request and WebSocket upgrade it sees. */
export interface LocalServer {
  origin: string;
  port: number;
  requests: string[];
  upgrades: string[];
  /** TCP connections accepted, requests or not. */
  connections: number;
  close(): Promise<void>;
}

export async function startLocalServer(handle: (req: IncomingMessage, res: ServerResponse, self: LocalServer) => void = defaultHandler): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    self.requests.push(req.url ?? "/");
    handle(req, res, self);
  });
  server.on("upgrade", (req, socket: Socket) => {
    self.upgrades.push(req.url ?? "/");
    socket.destroy();
  });
  server.on("connection", (socket) => {
    self.connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const self: LocalServer = {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests: [],
    upgrades: [],
    connections: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return self;
}

function defaultHandler(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end("<!doctype html><title>B</title><p>server B</p>");
}

export function html(res: ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(body);
}

/** A local port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
