import { agentDetectionSignalView, agentFingerprintView, agentTrustView } from "../schemas/agent-identity.ts";
import type { RouteDoc } from "./route-doc.ts";

const agentId = { id: { description: "agent id (`agt_` and 20 lowercase hex)", pattern: "^agt_[0-9a-f]{20}$" } };

/** GET /v1/agents/{id}/fingerprint, /detection-signal, /trust. */
export const agentIdentityRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/agents/{id}/fingerprint",
    operationId: "getAgentFingerprint",
    summary: "What the running agent's browser actually reports (read from it now)",
    description:
      "Evaluated by the worker in an isolated world of the agent's page (or a page of its own with the same emulation), never in the page's main world. Hashes are SHA-256 hex.",
    tag: "agents",
    auth: true,
    pathParams: agentId,
    responses: { 200: { description: "the browser's fingerprint", schema: agentFingerprintView } },
    errors: ["AGENT_NOT_RUNNING", "UPSTREAM_UNAVAILABLE"],
  },
  {
    method: "get",
    path: "/v1/agents/{id}/detection-signal",
    operationId: "getAgentDetectionSignal",
    summary: "The platform's own detection checks as run in this agent's browser, or null until they have run",
    tag: "agents",
    auth: true,
    pathParams: agentId,
    responses: { 200: { description: "the last measured signal", schema: agentDetectionSignalView } },
    errors: [],
  },
  {
    method: "get",
    path: "/v1/agents/{id}/trust",
    operationId: "getAgentTrust",
    summary: "The trust score (0..1000), its band and the points it adds up from",
    description:
      "On a running agent whose checks have not run yet, waits for them (at most until 30 s after the session started). Still none: 409 AGENT_NOT_RUNNING when the agent is not running, else 503 with Retry-After.",
    tag: "agents",
    auth: true,
    pathParams: agentId,
    responses: { 200: { description: "the agent's trust", schema: agentTrustView } },
    errors: ["AGENT_NOT_RUNNING", "SERVICE_UNAVAILABLE"],
  },
];
