import { Router, type Request, type Response } from "express";
import { FLEET_SECRET_HEADER, agentPageWsUrl, agentUrls, rewriteTargets, rewriteVersion, type DevToolsTarget, type DevToolsVersion } from "@browserfleet/agents";
import { ApiError } from "@browserfleet/core";
import type { ApiDeps } from "../deps.ts";
import { ROUTING } from "../http/routing-options.ts";
import { resolveGatewayTarget, type GatewayTarget } from "./resolve-gateway-target.ts";

const WORKER_TIMEOUT_MS = 10_000;

/**
 * The gateway's HTTP half, /v1/cdp/{id}/json/*: Chromium's discovery answers fetched from the
 * hosting worker, every URL in them rewritten to the gateway (from PUBLIC_API_URL, never the Host
 * header), so connectOverCDP(cdp_http) finds a websocket it can use as given.
 */
export function cdpDiscoveryRoutes(deps: Pick<ApiDeps, "prisma" | "config" | "publicUrl">): Router {
  const router = Router(ROUTING);
  const fleetSecret = deps.config.FLEET_SECRET ?? "";

  const fromWorker = async (target: GatewayTarget, path: string): Promise<unknown> => {
    let answer: globalThis.Response;
    try {
      answer = await fetch(`${target.workerUrl}/agents/${target.sessionId}${path}`, { headers: { [FLEET_SECRET_HEADER]: fleetSecret }, signal: AbortSignal.timeout(WORKER_TIMEOUT_MS) });
    } catch {
      throw new ApiError("UPSTREAM_UNAVAILABLE", "the worker hosting this agent did not answer");
    }
    if (answer.status === 409) throw new ApiError("AGENT_NOT_RUNNING", `agent ${target.agentId} is not running`);
    if (!answer.ok) throw new ApiError("UPSTREAM_UNAVAILABLE", `the worker hosting this agent answered ${answer.status}`);
    return answer.json();
  };
  const target = (req: Request): Promise<GatewayTarget> => resolveGatewayTarget(deps.prisma, String(req.params.id), typeof req.query.token === "string" ? req.query.token : null, "cdp");

  const version = async (req: Request, res: Response): Promise<void> => {
    const t = await target(req);
    const info = (await fromWorker(t, "/json/version")) as DevToolsVersion;
    res.json(rewriteVersion(info, agentUrls(deps.publicUrl(), t.agentId, { cdp: t.token, view: t.token }).cdpUrl));
  };
  const list = async (req: Request, res: Response): Promise<void> => {
    const t = await target(req);
    const targets = (await fromWorker(t, "/json/list")) as DevToolsTarget[];
    res.json(rewriteTargets(targets, (targetId) => agentPageWsUrl(deps.publicUrl(), t.agentId, targetId, t.token)));
  };
  router.get("/cdp/:id/json/version", version);
  router.get("/cdp/:id/json/version/", version);
  router.get("/cdp/:id/json/list", list);
  router.get("/cdp/:id/json", list);
  // The socket itself is an upgrade (cdp-gateway.ts); a plain GET gets told so.
  router.get("/cdp/:id", async (req) => {
    await target(req);
    throw new ApiError("BAD_REQUEST", "this is the agent's CDP websocket: connect with a websocket client (chromium.connectOverCDP(cdp_url), puppeteer.connect({browserWSEndpoint}))");
  });
  return router;
}
