import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { checkTargetUrl, type HostLookup, type TargetVerdict } from "@browserfleet/core";
import { afterAll, beforeAll } from "vitest";
import { startFixtureSite, type FixtureSite } from "../../../test/support/fixture-site.ts";
import {
  BrowserPool,
  LOOPBACK_ONLY_RESOLVER_ARG,
  startEgressProxy,
  type BrowserPoolOptions,
  type EgressProxy,
  type PoolLogger,
  type RenderRequest,
} from "../src/index.ts";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Collects what the pool logs, so a test can read it. */
export function memoryLogger(): PoolLogger & { lines: { level: string; obj: object; msg?: string }[] } {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
}

export function testPool(options: Partial<BrowserPoolOptions> = {}): BrowserPool {
  return new BrowserPool({
    chromiumPath: CHROMIUM_PATH,
    extraArgs: [LOOPBACK_ONLY_RESOLVER_ARG],
    recycleAfterPages: 1000,
    logger: memoryLogger(),
    ...options,
  });
}

/** A fixture site and a started test pool for the file, closed after it. */
export function useSiteAndPool(options: Partial<BrowserPoolOptions> = {}): { readonly site: FixtureSite; readonly pool: BrowserPool } {
  let site: FixtureSite | undefined;
  let pool: BrowserPool | undefined;
  beforeAll(async () => {
    site = await startFixtureSite();
    pool = testPool(options);
    await pool.start();
  });
  afterAll(async () => {
    await pool?.close();
    await site?.close();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the site and pool are not ready before beforeAll");
    return value;
  };
  return {
    get site() {
      return ready(site);
    },
    get pool() {
      return ready(pool);
    },
  };
}

/** Core's SSRF check with loopback allowed (tests only), no DNS, and some local ports refused. */
export function loopbackGuard(refusedPorts: number[] = []): (url: string) => Promise<TargetVerdict> {
  return async (url) => {
    const parsed = new URL(url);
    if (refusedPorts.includes(Number(parsed.port))) return { allowed: false, reason: `port ${parsed.port} is refused by the test guard` };
    return checkTargetUrl(url, {
      allowLoopback: true,
      lookup: async () => {
        throw new Error("tests resolve nothing");
      },
    });
  };
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

export function renderRequest(url: string, overrides: Partial<RenderRequest> = {}): RenderRequest {
  return { url, formats: ["html"], maxChars: 100_000, timeoutMs: 15_000, waitUntil: "load", fullPage: false, ...overrides };
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

/** Kills the pool's Chromium; refuses anything but a real pid, since kill(0) would hit the test's own process group. */
export function killBrowser(pool: BrowserPool): number {
  const pid = pool.stats().browserPid;
  if (pid === null || !Number.isInteger(pid) || pid <= 1 || pid === process.pid) throw new Error(`no browser pid to kill: ${pid}`);
  process.kill(pid, "SIGKILL");
  return pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
