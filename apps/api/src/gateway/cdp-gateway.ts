import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { GATEWAY_GOING_AWAY, MAX_CDP_FRAME_BYTES, refuseUpgrade, relaySockets } from "@browserfleet/agents";
import { ApiError, ERROR_STATUS, requestIdFrom } from "@browserfleet/core";
import type { ApiDeps } from "../deps.ts";
import { LIVE_STREAM_PATH, upgradeLiveStream } from "../live/live-stream-upgrade.ts";
import { openWorkerRelay } from "./open-worker-relay.ts";
import { resolveGatewayTarget } from "./resolve-gateway-target.ts";

const GATEWAY_PATH = /^\/v1\/cdp\/([^/]+)(?:\/devtools\/(browser|page)\/([A-Za-z0-9._-]{1,128}))?$/;
/** A live viewer sends nothing that matters: anything bigger closes it (1009). */
const MAX_VIEWER_MESSAGE_BYTES = 4 * 1024;
/** Below the usual 60 s idle cut of load balancers and proxies. */
const PING_INTERVAL_MS = 25_000;

export interface CdpGateway {
  /** Shutdown: every relayed client gets 1001 (the session goes on; it may reconnect through another replica). */
  close(): void;
}

/**
 * The CDP websocket gateway on the API's server: authenticates the agent token, finds the worker
 * hosting the session, opens the relay to it (fleet secret) and only then answers the client's
 * upgrade, so every refusal is an HTTP status before the 101. The Origin header goes no further.
 * The live view's stream (`/live/<agent id>/stream`) is upgraded here too (live/live-stream-upgrade.ts).
 */
export function attachCdpGateway(server: Server, deps: Pick<ApiDeps, "prisma" | "config" | "logger" | "isDraining">): CdpGateway {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_CDP_FRAME_BYTES });
  const viewerWss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_VIEWER_MESSAGE_BYTES });
  const clients = new Set<WebSocket>();
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const requestId = requestIdFrom(typeof req.headers["x-request-id"] === "string" ? req.headers["x-request-id"] : undefined);
    void upgrade(req, socket, head, requestId).catch((err: unknown) => {
      const apiError = err instanceof ApiError ? err : null;
      if (!apiError) deps.logger.error({ err, request_id: requestId }, "cdp gateway upgrade failed");
      const code = apiError?.code ?? "INTERNAL_ERROR";
      refuseUpgrade(socket, ERROR_STATUS[code], { error: apiError?.message ?? "internal error", code, request_id: requestId }, { "X-Request-Id": requestId, ...(apiError?.retryAfter === undefined ? {} : { "Retry-After": String(apiError.retryAfter) }) });
    });
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, requestId: string): Promise<void> {
    const url = new URL(req.url ?? "/", "http://gateway");
    const live = LIVE_STREAM_PATH.exec(url.pathname);
    const match = GATEWAY_PATH.exec(url.pathname);
    if (!match && !live) throw new ApiError("NOT_FOUND", "no websocket is served at this path");
    if (deps.isDraining()) throw new ApiError("SERVICE_UNAVAILABLE", "this API process is shutting down; retry");
    if (live) {
      await upgradeLiveStream(deps, viewerWss, { agentId: live[1]!, url, req, socket, head, log: deps.logger.child({ request_id: requestId }), pingIntervalMs: PING_INTERVAL_MS, clients });
      return;
    }
    if (!match) return;
    const [, agentId, kind = "browser", targetId = ""] = match;
    const target = await resolveGatewayTarget(deps.prisma, agentId!, url.searchParams.get("token"), "cdp");
    const log = deps.logger.child({ request_id: requestId, agent_id: target.agentId, session_id: target.sessionId, workspace_id: target.workspaceId });
    const upstream = await openWorkerRelay(target, `/devtools/${kind}${kind === "page" ? `/${targetId}` : ""}`, { fleetSecret: deps.config.FLEET_SECRET, log, what: "relay" });
    wss.handleUpgrade(req, socket, head, (client) => {
      clients.add(client);
      log.info({ kind }, "cdp client attached");
      relaySockets(client, upstream, {
        pingIntervalMs: PING_INTERVAL_MS,
        onClose: (code) => {
          clients.delete(client);
          log.info({ kind, code }, "cdp client detached");
        },
      });
    });
  }

  return {
    close: () => {
      for (const client of clients) client.close(GATEWAY_GOING_AWAY.code, GATEWAY_GOING_AWAY.reason);
    },
  };
}
