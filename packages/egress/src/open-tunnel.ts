import type { IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "@browserfleet/runtime";
import { answerTunnel } from "./proxy-answers.ts";
import type { TunnelFailureLog } from "./tunnel-failure-log.ts";
import { decideTarget, type EgressPolicy } from "./decide-target.ts";

export interface EgressCounters {
  requests: number;
  tunnels: number;
  refused: number;
  unresolvable: number;
  upstreamErrors: number;
}

/** What the request and tunnel handlers share with the proxy that owns them. */
export interface EgressContext {
  policy: EgressPolicy;
  logger: Logger;
  counters: EgressCounters;
  failures: TunnelFailureLog;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  /** The proxy's own address, so a page cannot loop it through itself. */
  isSelf(address: string, port: number): boolean;
  track(socket: Socket | Duplex): void;
}

const AUTHORITY = /^(\[[0-9a-fA-F:.]+\]|[^\s:/@[\]?#]+):(\d{1,5})$/;

/** Opens a CONNECT tunnel (https, wss) to the address the policy checked, or answers why not. */
export async function openTunnel(req: IncomingMessage, client: Duplex, head: Buffer, ctx: EgressContext): Promise<void> {
  ctx.counters.tunnels += 1;
  ctx.track(client);
  client.on("error", () => client.destroy());
  const authority = req.url ?? "";
  const match = AUTHORITY.exec(authority);
  const port = Number(match?.[2]);
  if (match === null || !(port >= 1 && port <= 65_535)) return answerTunnel(client, 400, "CONNECT needs host:port");
  const fail = (status: 403 | 502 | 504, reason: string): void => {
    ctx.failures.record(authority, { kind: status === 403 ? "refused" : "failed", reason });
    answerTunnel(client, status, reason);
  };

  const decision = await decideTarget(match[1] as string, port, ctx.policy);
  if (decision.kind === "refused") {
    ctx.counters.refused += 1;
    ctx.logger.info({ target: authority, reason: decision.reason }, "egress refused");
    return fail(403, decision.reason);
  }
  if (decision.kind === "unresolvable") {
    ctx.counters.unresolvable += 1;
    return fail(502, decision.reason);
  }
  if (ctx.isSelf(decision.address, port)) return fail(403, "the egress proxy does not proxy to itself");
  if (client.destroyed) return;

  const upstream = connect({ host: decision.address, port });
  ctx.track(upstream);
  upstream.setTimeout(ctx.connectTimeoutMs, () => upstream.destroy(new Error("connect timed out")));
  let connected = false;
  upstream.on("error", (err) => {
    ctx.counters.upstreamErrors += 1;
    if (connected) client.destroy();
    else fail(502, `could not reach ${authority}: ${err.message}`);
  });
  upstream.once("connect", () => {
    connected = true;
    upstream.removeAllListeners("timeout");
    upstream.setTimeout(ctx.idleTimeoutMs, () => upstream.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    (client as Socket).setTimeout(ctx.idleTimeoutMs, () => client.destroy());
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  client.once("close", () => {
    if (upstream.connecting) upstream.destroy();
  });
}
