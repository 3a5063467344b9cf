import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { Router, type Request, type Response } from "express";
import { WebSocketServer } from "ws";
import type { Logger } from "pino";
import { FLEET_SECRET_HEADER, MAX_CDP_FRAME_BYTES, isFleetSecret, openUpstreamSocket, refuseUpgrade, relaySockets } from "@browserfleet/agents";
import type { AgentHost } from "./agent-host.ts";
import type { HostedSession } from "./hosted-session.ts";
import { holdForChecks } from "./identity/hold-for-checks.ts";
import { isPrivilegedTarget } from "./privileged-targets.ts";
import { relayInspectors } from "./inspect-client-command.ts";
import { acceptViewer } from "./live/accept-viewer.ts";

const RELAY_PATH = /^\/agents\/(ses_[0-9a-f]{20})\/devtools\/(browser|page)(?:\/([A-Za-z0-9._-]{1,128}))?$/;
/** The live view's screencast (view-only; live/accept-viewer.ts). */
const SCREENCAST_PATH = /^\/agents\/(ses_[0-9a-f]{20})\/screencast$/;
/** A viewer sends nothing that matters: anything bigger than this closes it (1009). */
const MAX_VIEWER_MESSAGE_BYTES = 4 * 1024;
const UPSTREAM_TIMEOUT_MS = 10_000;

export interface AgentRelayOptions {
  host: AgentHost;
  fleetSecret: string;
  logger: Logger;
}

/**
 * The worker's half of the CDP gateway, on its ops server: the API relays each client's websocket
 * here (fleet secret required), and this relays it on to the session's Chromium on loopback.
 * Returns a function that closes every relayed socket (shutdown).
 */
export function attachAgentRelay(server: Server, options: AgentRelayOptions): void {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_CDP_FRAME_BYTES });
  const viewerWss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_VIEWER_MESSAGE_BYTES });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void handleUpgrade(wss, viewerWss, options, req, socket, head).catch((err: unknown) => {
      options.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "agent relay upgrade failed");
      refuseUpgrade(socket, 500, { error: "relay failed", code: "INTERNAL_ERROR" });
    });
  });
}

async function handleUpgrade(wss: WebSocketServer, viewerWss: WebSocketServer, options: AgentRelayOptions, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  if (!isFleetSecret(req.headers[FLEET_SECRET_HEADER], options.fleetSecret)) {
    refuseUpgrade(socket, 401, { error: "fleet secret required", code: "UNAUTHORIZED" });
    return;
  }
  const pathname = new URL(req.url ?? "/", "http://relay").pathname;
  const screencast = SCREENCAST_PATH.exec(pathname);
  if (screencast) {
    const viewed = options.host.get(screencast[1]!);
    if (!viewed) refuseUpgrade(socket, 409, { error: "the agent is not running on this worker", code: "AGENT_NOT_RUNNING" });
    else await acceptViewer(viewerWss, viewed, options.logger, req, socket, head);
    return;
  }
  const match = RELAY_PATH.exec(pathname);
  if (!match) {
    refuseUpgrade(socket, 404, { error: "no such relay path", code: "NOT_FOUND" });
    return;
  }
  const [, sessionId, kind, targetId] = match as unknown as [string, string, "browser" | "page", string | undefined];
  const session = options.host.get(sessionId);
  if (!session) {
    refuseUpgrade(socket, 409, { error: "the agent is not running on this worker", code: "AGENT_NOT_RUNNING" });
    return;
  }
  await session.whileConnecting(holdForChecks(session));
  if (kind === "page" && !(await isClientTarget(session.browser.port, targetId ?? ""))) {
    refuseUpgrade(socket, 404, { error: "no such target", code: "NOT_FOUND" });
    return;
  }
  const url = kind === "browser" ? session.browser.browserWsUrl : `ws://127.0.0.1:${session.browser.port}/devtools/page/${targetId ?? ""}`;
  let upstream;
  try {
    upstream = await openUpstreamSocket(url, { timeoutMs: UPSTREAM_TIMEOUT_MS });
  } catch (err) {
    const status = (err as { status?: number }).status === 404 ? 404 : 502;
    refuseUpgrade(socket, status, { error: status === 404 ? "no such target" : "the agent's browser did not answer", code: status === 404 ? "NOT_FOUND" : "UPSTREAM_UNAVAILABLE" });
    return;
  }
  wss.handleUpgrade(req, socket, head, (client) => {
    session.attach(client);
    relaySockets(client, upstream, relayInspectors(session, kind));
  });
}

/**
 * A page endpoint is only for a target Chromium lists for clients (/json/list: pages, frames, workers)
 * that is not one of its own (privileged-targets.ts): its WebUI targets have ids too, and a page
 * endpoint on one would be a session the relay never sees attach.
 */
async function isClientTarget(port: number, targetId: string): Promise<boolean> {
  try {
    const answer = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
    const targets = (await answer.json()) as Array<{ id?: unknown; type?: unknown; url?: unknown }>;
    const target = targets.find((t) => t.id === targetId);
    return target !== undefined && !isPrivilegedTarget(target);
  } catch {
    return false;
  }
}

/**
 * For the relay's HTTP routes (`/agents/:sessionId/…`): checks the fleet secret (401) and finds the
 * running session (409 when this worker does not host it), answering the refusal itself; null then.
 */
export function hostedSessionOf(options: AgentRelayOptions): (req: Request, res: Response) => HostedSession | null {
  return (req, res) => {
    if (!isFleetSecret(req.get(FLEET_SECRET_HEADER), options.fleetSecret)) {
      res.status(401).json({ error: "fleet secret required", code: "UNAUTHORIZED" });
      return null;
    }
    const session = options.host.get(String(req.params.sessionId));
    if (!session) res.status(409).json({ error: "the agent is not running on this worker", code: "AGENT_NOT_RUNNING" });
    return session ?? null;
  };
}

/** /agents/<session>/json/version, /json/list and /json: Chromium's own answers, fetched on loopback (the API rewrites the URLs in them). */
export function agentRelayRoutes(options: AgentRelayOptions): Router {
  const router = Router();
  const withSession = hostedSessionOf(options);
  const proxy = (chromiumPath: string) => async (req: Request, res: Response) => {
    const session = withSession(req, res);
    if (!session) return;
    try {
      const answer = await fetch(`http://127.0.0.1:${session.browser.port}${chromiumPath}`, { signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
      res.status(answer.status).type("application/json").send(await answer.text());
    } catch {
      res.status(502).json({ error: "the agent's browser did not answer", code: "UPSTREAM_UNAVAILABLE" });
    }
  };
  router.get("/agents/:sessionId/json/version", proxy("/json/version"));
  router.get(["/agents/:sessionId/json/list", "/agents/:sessionId/json"], proxy("/json/list"));
  return router;
}
