import { Agent, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "@browserfleet/runtime";
import { ClientByteMeter, type EgressBytes } from "./client-byte-meter.ts";
import { TunnelFailureLog, type TunnelFailure } from "./tunnel-failure-log.ts";
import { forwardRequest } from "./forward-request.ts";
import type { EgressPolicy } from "./decide-target.ts";
import { openTunnel, type EgressContext, type EgressCounters } from "./open-tunnel.ts";

export interface EgressProxyOptions {
  policy: EgressPolicy;
  logger: Logger;
  /** How long a connection to a target may take to open. */
  connectTimeoutMs?: number;
  /** How long a connection (either side) may sit without traffic before it is closed. */
  idleTimeoutMs?: number;
}

export interface EgressProxyStats extends EgressCounters {
  openSockets: number;
}

/** The part of the proxy BrowserPool needs: where it listens and why a tunnel failed. */
export interface EgressLink {
  url: string;
  /** The proxy's last failure to open a CONNECT tunnel to `host:port`, if recent. */
  tunnelFailure(authority: string): TunnelFailure | undefined;
}

/** A proxy one browser has to itself: what it carried can be told apart from every other browser's. */
export interface MeteredEgressLink extends EgressLink {
  /** Bytes over Chromium's connections to this proxy so far (live connections included); still readable after close. */
  bytes(): EgressBytes;
  close(): Promise<void>;
}

export interface EgressProxy extends MeteredEgressLink {
  port: number;
  stats(): EgressProxyStats;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * An HTTP forward proxy on 127.0.0.1 that Chromium sends all its traffic through. It resolves
 * each target itself, refuses unless every address passes the policy, and connects to the
 * address it checked, so neither the page nor a rebinding DNS answer can reach anything else.
 */
export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const sockets = new Set<Socket | Duplex>();
  const track = (socket: Socket | Duplex): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const meter = new ClientByteMeter();
  const counters: EgressCounters = { requests: 0, tunnels: 0, refused: 0, unresolvable: 0, upstreamErrors: 0 };
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  // Pooled by checked IP:port only, so a reused socket always goes to an address that passed.
  const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: idleTimeoutMs });
  let port = 0;
  const ctx: EgressContext = {
    policy: options.policy,
    logger: options.logger,
    counters,
    failures: new TunnelFailureLog(),
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    idleTimeoutMs,
    isSelf: (address, targetPort) => targetPort === port && (address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1"),
    track,
  };
  const onHandlerError = (err: unknown): void => options.logger.error({ err: err instanceof Error ? err.message : String(err) }, "egress proxy handler failed");

  const server = createServer((req, res) => {
    forwardRequest(req, res, ctx, agent).catch((err: unknown) => {
      onHandlerError(err);
      res.destroy();
    });
  });
  server.on("connection", (socket: Socket) => {
    track(socket);
    meter.watch(socket);
    socket.setTimeout(idleTimeoutMs, () => socket.destroy());
  });
  server.on("connect", (req, socket: Duplex, head: Buffer) => {
    openTunnel(req, socket, head, ctx).catch((err: unknown) => {
      onHandlerError(err);
      socket.destroy();
    });
  });
  // Chromium tunnels ws:// through CONNECT; an absolute-URI upgrade is not something it sends.
  server.on("upgrade", (_req, socket: Duplex) => socket.end("HTTP/1.1 501 Not Implemented\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"));
  server.on("clientError", (_err, socket: Duplex) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  options.logger.info({ port }, "egress proxy listening");

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    tunnelFailure: (authority) => ctx.failures.find(authority),
    stats: () => ({ ...counters, openSockets: sockets.size }),
    bytes: () => meter.bytes(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      });
      return closing;
    },
  };
}

