import { agentPreviewTokenView, agentScreenshotBody, agentScreenshotView, liveViewQuery } from "../schemas/agent-live.ts";
import type { RouteDoc } from "./route-doc.ts";

const agentId = { id: { description: "agent id (`agt_` and 20 lowercase hex)", pattern: "^agt_[0-9a-f]{20}$" } };
const VIEW_ERRORS = ["UNAUTHORIZED", "AGENT_NOT_RUNNING"] as const;

/** /live/{id}, POST /v1/agents/{id}/preview-token, POST /v1/agents/{id}/screenshot. */
export const agentLiveRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/live/{id}",
    operationId: "getAgentLiveView",
    summary: "The live view: a page showing the agent's screen as it changes (what live_url points at)",
    description:
      "Authenticated by `?token=` (a view token from live_url or preview-token, or a CDP token; no API key): 401 wrong or absent token, 404 unknown agent, 409 not running. A self-contained HTML page (strict Content-Security-Policy) that opens /live/{id}/stream on its own origin. View-only.",
    tag: "agents",
    auth: false,
    pathParams: agentId,
    query: liveViewQuery,
    responses: { 200: { description: "the live view page", contentType: "text/html", rawSchema: { type: "string" } } },
    errors: [...VIEW_ERRORS],
  },
  {
    method: "get",
    path: "/live/{id}/stream",
    operationId: "streamAgentLiveView",
    summary: "The live view's websocket: the agent's screen as JPEG frames (CDP screencast)",
    description:
      "A websocket upgrade, authenticated like /live/{id} and refused before the 101 with 401, 404, 409, or 429 past 5 viewers per agent. Each binary message is one JPEG frame (at most ~10 a second, scaled to fit 1280×800); a text message is JSON `{\"type\":\"page\",\"url\":…}` naming the page shown (the most recently opened, activated or navigated one). The latest frame is sent at once on connect. Anything the viewer sends is ignored. When the agent ends the socket closes with 4001 (TTL), 4002 (idle), 4003 (deleted), 4004 (worker lost) or 4005 (crashed). A viewer does not count as a CDP client for the idle timeout. A plain GET without an upgrade answers 400.",
    tag: "agents",
    auth: false,
    websocket: true,
    pathParams: agentId,
    query: liveViewQuery,
    responses: { 101: { description: "switching protocols: frames follow" } },
    errors: [...VIEW_ERRORS, "TOO_MANY_REQUESTS", "UPSTREAM_UNAVAILABLE"],
  },
  {
    method: "post",
    path: "/v1/agents/{id}/preview-token",
    operationId: "createAgentPreviewToken",
    summary: "A fresh view-only live_url, valid 10 minutes (share the screen without CDP control)",
    description: "The token opens /live/{id} and its stream, and is refused on /v1/cdp (401). 10 per minute per agent (429 with Retry-After).",
    tag: "agents",
    auth: true,
    pathParams: agentId,
    responses: { 201: { description: "the new live view URL", schema: agentPreviewTokenView } },
    errors: ["AGENT_NOT_RUNNING", "TOO_MANY_REQUESTS"],
  },
  {
    method: "post",
    path: "/v1/agents/{id}/screenshot",
    operationId: "screenshotAgent",
    summary: "A PNG of the agent's current page (the one the live view shows)",
    description: "60 per minute per agent (429 with Retry-After). `full_page` shoots the whole scrollable page, cut at 4096×16384 CSS pixels.",
    tag: "agents",
    auth: true,
    pathParams: agentId,
    body: agentScreenshotBody,
    responses: { 200: { description: "the screenshot", schema: agentScreenshotView } },
    errors: ["AGENT_NOT_RUNNING", "TOO_MANY_REQUESTS", "UPSTREAM_UNAVAILABLE"],
  },
];
