import { ApiError, hashAgentToken, isAgentId, isWellFormedAgentToken, type AgentTokenKind } from "@browserfleet/core";
import { resolveAgentToken, type Db } from "@browserfleet/db";

/** Where one gateway request goes: the running session's worker relay. */
export interface GatewayTarget {
  agentId: string;
  sessionId: string;
  workspaceId: string;
  workerUrl: string;
  token: string;
}

/**
 * Authenticates a gateway request by its agent token (query `token`): 400 for a malformed agent
 * id, 401 for a wrong, absent or view-only token (when `kind` is cdp), 404 for an unknown agent,
 * 409 when its session is not running (`queuedOk`: nor starting). One indexed read in the common case.
 */
export async function resolveGatewayTarget(prisma: Db, agentId: string, token: string | null, kind: AgentTokenKind, options: { queuedOk?: boolean } = {}): Promise<GatewayTarget> {
  if (!isAgentId(agentId)) throw new ApiError("INVALID_ID", "agent id must be agt_ followed by 20 lowercase hex characters");
  const resolved = token !== null && isWellFormedAgentToken(token) ? await resolveAgentToken(prisma, { agentId, tokenHash: hashAgentToken(token) }) : null;
  if (!resolved || (kind === "cdp" && resolved.kind !== "cdp")) {
    const exists = (await prisma.agent.count({ where: { id: agentId } })) > 0;
    if (!exists) throw new ApiError("NOT_FOUND", `agent ${agentId} not found`);
    throw new ApiError("UNAUTHORIZED", token === null ? "this agent's token is required (?token=…, as in cdp_url)" : kind === "cdp" ? "the token is not a CDP token of this agent (a live-view token cannot drive the browser)" : "the token is not valid for this agent");
  }
  // The live view's page may open while the browser is still starting (a task's 202 hands it out): its stream waits.
  if (options.queuedOk === true && resolved.session.status === "queued") return { agentId, sessionId: resolved.session.id, workspaceId: resolved.workspaceId, workerUrl: "", token: token! };
  if (resolved.session.status !== "running" || resolved.session.workerUrl === null) throw new ApiError("AGENT_NOT_RUNNING", `agent ${agentId} is not running`);
  return { agentId, sessionId: resolved.session.id, workspaceId: resolved.workspaceId, workerUrl: resolved.session.workerUrl, token: token! };
}
