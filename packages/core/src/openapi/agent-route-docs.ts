import { z } from "zod";
import {
  agentCdpView,
  agentListView,
  agentSessionListView,
  agentSessionView,
  agentView,
  createAgentBody,
  createAgentSessionBody,
  listAgentSessionsQuery,
  listAgentsQuery,
} from "../schemas/agents.ts";
import type { RouteDoc } from "./route-doc.ts";

const agentId = { id: { description: "agent id (`agt_` and 20 lowercase hex)", pattern: "^agt_[0-9a-f]{20}$" } };
const sessionId = { sid: { description: "session id (`ses_` and 20 lowercase hex)", pattern: "^ses_[0-9a-f]{20}$" } };

/** Anything DevTools answers on /json/version: Playwright and Puppeteer read `webSocketDebuggerUrl`. */
export const devToolsVersion = z.looseObject({ Browser: z.string().optional(), "Protocol-Version": z.string().optional(), webSocketDebuggerUrl: z.string() });
export const devToolsTargets = z.array(z.looseObject({ id: z.string(), type: z.string(), url: z.string(), webSocketDebuggerUrl: z.string().optional() }));
const gatewayQuery = z.object({ token: z.string().describe("the agent's CDP token, as in cdp_url") });

const GATEWAY_ERRORS = ["UNAUTHORIZED", "AGENT_NOT_RUNNING", "UPSTREAM_UNAVAILABLE"] as const;

function discovery(path: string, operationId: string, summary: string, schema: z.ZodType): RouteDoc {
  return {
    method: "get",
    path,
    operationId,
    summary,
    description: "Authenticated by the agent token in `?token=` (no API key). URLs in the answer point back through the gateway, built from PUBLIC_API_URL.",
    tag: "agents",
    auth: false,
    pathParams: agentId,
    query: gatewayQuery,
    responses: { 200: { description: "Chromium's answer, its URLs rewritten to the gateway", schema } },
    errors: [...GATEWAY_ERRORS],
  };
}

/** /v1/agents and the CDP gateway (/v1/cdp/{id}). */
export const agentRouteDocs: RouteDoc[] = [
  {
    method: "post",
    path: "/v1/agents",
    operationId: "createAgent",
    summary: "Provision an agent: a dedicated Chromium the client drives over CDP (answers once it runs)",
    description:
      "Waits up to `startup_timeout_seconds` for a worker to start the browser. The answer is the only place (with GET /v1/agents/{id}/cdp) that carries `cdp_url`, `cdp_http` and `live_url` with their tokens.",
    tag: "agents",
    auth: true,
    body: createAgentBody,
    idempotent: true,
    responses: { 201: { description: "the running agent", schema: agentView } },
    errors: ["INSUFFICIENT_CREDIT", "URL_NOT_ALLOWED", "NO_CAPACITY"],
  },
  {
    method: "get",
    path: "/v1/agents",
    operationId: "listAgents",
    summary: "List the workspace's agents, newest first",
    tag: "agents",
    auth: true,
    query: listAgentsQuery,
    responses: { 200: { description: "one page of agents (no tokens in them)", schema: agentListView } },
    errors: [],
  },
  {
    method: "get",
    path: "/v1/agents/{id}",
    operationId: "getAgent",
    summary: "Get an agent (its URLs with tokens are only given at create and by /cdp)",
    tag: "agents",
    auth: true,
    pathParams: agentId,
    responses: { 200: { description: "the agent", schema: agentView } },
    errors: [],
  },
  {
    method: "delete",
    path: "/v1/agents/{id}",
    operationId: "deleteAgent",
    summary: "End the agent now: its CDP clients are closed (code 4003), its browser killed, unused credits released",
    tag: "agents",
    auth: true,
    pathParams: agentId,
    responses: { 204: { description: "ended (again: 204)" } },
    errors: [],
  },
  {
    method: "get",
    path: "/v1/agents/{id}/cdp",
    operationId: "getAgentCdp",
    summary: "Fresh CDP and live-view URLs (new tokens; earlier ones stay valid) for a running agent",
    tag: "agents",
    auth: true,
    pathParams: agentId,
    responses: { 200: { description: "the agent's gateway URLs", schema: agentCdpView } },
    errors: ["AGENT_NOT_RUNNING"],
  },
  {
    method: "post",
    path: "/v1/agents/{id}/sessions",
    operationId: "openAgentSession",
    summary: "Open a session on a stopped persistent agent: a fresh browser with its saved profile restored, on any worker",
    tag: "agents",
    auth: true,
    pathParams: agentId,
    body: createAgentSessionBody,
    responses: { 201: { description: "the running session, with its gateway URLs", schema: agentSessionView } },
    errors: ["AGENT_RUNNING", "AGENT_NOT_RUNNING", "INSUFFICIENT_CREDIT", "NO_CAPACITY"],
  },
  {
    method: "get",
    path: "/v1/agents/{id}/sessions",
    operationId: "listAgentSessions",
    summary: "List an agent's sessions, newest first",
    tag: "agents",
    auth: true,
    pathParams: agentId,
    query: listAgentSessionsQuery,
    responses: { 200: { description: "one page of sessions", schema: agentSessionListView } },
    errors: [],
  },
  {
    method: "delete",
    path: "/v1/agents/{id}/sessions/{sid}",
    operationId: "endAgentSession",
    summary: "End a session: its profile is saved first, the agent goes back to stopped",
    tag: "agents",
    auth: true,
    pathParams: { ...agentId, ...sessionId },
    responses: { 204: { description: "ended (again: 204)" } },
    errors: [],
  },
  {
    method: "get",
    path: "/v1/cdp/{id}",
    operationId: "connectAgentCdp",
    summary: "CDP websocket of the agent's browser (what cdp_url points at)",
    description:
      "A websocket upgrade, authenticated by `?token=`: refused before the 101 with 401 (wrong or absent token), 404 (unknown agent) or 409 (not running). Once open, frames are relayed both ways as they are; when the agent ends the gateway closes with 4001 (TTL), 4002 (idle), 4003 (deleted), 4004 (worker lost) or 4005 (browser crashed). A plain GET without an upgrade answers 400. Page sockets are at /v1/cdp/{id}/devtools/page/{target} (as /json/list gives them).",
    tag: "agents",
    auth: false,
    websocket: true,
    pathParams: agentId,
    query: gatewayQuery,
    responses: { 101: { description: "switching protocols: the CDP session is open" } },
    errors: [...GATEWAY_ERRORS],
  },
  discovery("/v1/cdp/{id}/json/version", "getAgentCdpVersion", "DevTools /json/version through the gateway (what connectOverCDP(cdp_http) reads)", devToolsVersion),
  discovery("/v1/cdp/{id}/json/version/", "getAgentCdpVersionSlash", "The same, with the trailing slash Playwright asks for", devToolsVersion),
  discovery("/v1/cdp/{id}/json/list", "listAgentCdpTargets", "DevTools /json/list through the gateway: the browser's targets", devToolsTargets),
  discovery("/v1/cdp/{id}/json", "listAgentCdpTargetsShort", "DevTools /json (the same as /json/list)", devToolsTargets),
];
