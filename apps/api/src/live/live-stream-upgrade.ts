import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { WebSocket, WebSocketServer } from "ws";
import type { ApiDeps } from "../deps.ts";
import { openWorkerRelay } from "../gateway/open-worker-relay.ts";
import { resolveGatewayTarget } from "../gateway/resolve-gateway-target.ts";
import { collectEarlyMessages, relayViewOnly } from "./relay-view-only.ts";

/** `/live/<agent id>/stream?token=…`: the live view page's websocket (view or CDP token). */
export const LIVE_STREAM_PATH = /^\/live\/([^/]+)\/stream$/;

/**
 * The live view's websocket: authenticates the token (view or CDP), opens the worker's screencast
 * socket (fleet secret) and only then answers the viewer's upgrade, so refusals are statuses before
 * the 101 (401, 404, 409; 429 past the viewers-per-agent cap). View-only: see relay-view-only.ts.
 */
export async function upgradeLiveStream(
  deps: Pick<ApiDeps, "prisma" | "config">,
  wss: WebSocketServer,
  input: { agentId: string; url: URL; req: IncomingMessage; socket: Duplex; head: Buffer; log: Logger; pingIntervalMs: number; clients: Set<WebSocket> },
): Promise<void> {
  const target = await resolveGatewayTarget(deps.prisma, input.agentId, input.url.searchParams.get("token"), "view");
  const log = input.log.child({ agent_id: target.agentId, session_id: target.sessionId, workspace_id: target.workspaceId });
  const upstream = await openWorkerRelay(target, "/screencast", { fleetSecret: deps.config.FLEET_SECRET, log, what: "screencast" });
  const early = collectEarlyMessages(upstream);
  wss.handleUpgrade(input.req, input.socket, input.head, (viewer) => {
    input.clients.add(viewer);
    log.info("live viewer attached");
    relayViewOnly(viewer, upstream, early, {
      pingIntervalMs: input.pingIntervalMs,
      onClose: (code) => {
        input.clients.delete(viewer);
        log.info({ code }, "live viewer detached");
      },
    });
  });
}
