import type { Request } from "express";
import { agentUrls, announceAgentSettled, enqueueAgentSession, withdrawAgentSession } from "@browserfleet/agents";
import { ApiError, mintAgentToken, sessionReservation, type AgentView, type CreateAgentBody } from "@browserfleet/core";
import { createAgent, failAgentSession, findAgent, type AgentWithSession } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { checkTargets } from "../submit/check-targets.ts";
import { agentView } from "./agent-view.ts";

type ProvisionDeps = Pick<ApiDeps, "prisma" | "redis" | "config" | "targetPolicy" | "agentQueue" | "agentWaiter" | "publicUrl" | "rateLimits">;

const NO_CAPACITY_RETRY_AFTER_SECONDS = 5;

/**
 * POST /v1/agents: checks, then one transaction writes the agent, its session, tokens and
 * reservation (the workspace's max_agents counted under its row lock); the session is handed to
 * the fleet, and the request waits until a worker has its browser running (201) or gives up at
 * startup_timeout_seconds (503 NO_CAPACITY, the agent failed and nothing charged).
 */
export async function provisionAgent(deps: ProvisionDeps, req: Request, body: CreateAgentBody): Promise<AgentView> {
  const workspaceId = req.auth!.workspaceId;
  if (body.mode === "persistent") throw new ApiError("BAD_REQUEST", "persistent agents are not available on this server yet; create a burner (mode: burner, or give a ttl)", { details: [{ path: "mode", message: "persistent agents are not available yet" }] });
  if (body.warmup_recipe !== undefined) throw new ApiError("BAD_REQUEST", `unknown warmup_recipe "${body.warmup_recipe}"`, { details: [{ path: "warmup_recipe", message: "no such recipe on this server" }] });
  if (body.initial_url !== undefined) await checkTargets(deps, [body.initial_url], "initial_url", workspaceId);
  const verdict = await deps.rateLimits.agentCreates.consume(workspaceId, deps.config.AGENT_CREATES_PER_MINUTE).catch(() => null);
  if (verdict && !verdict.allowed) {
    throw new ApiError("TOO_MANY_REQUESTS", `rate limit of ${verdict.limit} agent creates per minute for this workspace reached; retry in ${verdict.resetSeconds} s`, { retryAfter: verdict.resetSeconds });
  }

  const cdp = mintAgentToken();
  const view = mintAgentToken();
  const { agent, session } = await createAgent(deps.prisma, {
    workspaceId,
    mode: body.mode,
    osType: body.os_type,
    country: body.country,
    persona: body.persona ?? null,
    warmupRecipe: body.warmup_recipe ?? null,
    metadata: body.metadata,
    initialUrl: body.initial_url ?? null,
    idleTimeoutSeconds: body.idle_timeout_seconds,
    ttlSeconds: body.ttl_seconds,
    startupTimeoutSeconds: body.startup_timeout_seconds,
    reserve: sessionReservation(body.mode, body.ttl_seconds),
    tokenHashes: { cdp: cdp.hash, view: view.hash },
  });
  const log = req.log.child({ agent_id: agent.id, session_id: session.id, workspace_id: workspaceId });
  try {
    await enqueueAgentSession(deps.agentQueue, session.id);
  } catch (err) {
    await failAgentSession(deps.prisma, { sessionId: session.id, errorCode: "SERVICE_UNAVAILABLE", errorMessage: "the agent could not be handed to the fleet (Redis)" }).catch(() => undefined);
    throw err;
  }
  await deps.agentWaiter.waitForTerminal(session.id, body.startup_timeout_seconds * 1000);
  let placed = await findAgent(deps.prisma, { workspaceId, agentId: agent.id });
  if (placed?.session?.status === "queued") {
    // Given up: failed only if no worker got it running meanwhile (the transition is conditional).
    if (await failAgentSession(deps.prisma, { sessionId: session.id, errorCode: "NO_CAPACITY", errorMessage: `no worker started the agent within ${body.startup_timeout_seconds} s` })) {
      await withdrawAgentSession(deps.agentQueue, session.id).catch(() => undefined);
      await announceAgentSettled(deps.redis, deps.config.QUEUE_PREFIX, session.id).catch(() => undefined);
    }
    placed = await findAgent(deps.prisma, { workspaceId, agentId: agent.id });
  }
  return answer(deps, placed!, { cdp: cdp.token, view: view.token }, log);
}

function answer(deps: ProvisionDeps, agent: AgentWithSession, tokens: { cdp: string; view: string }, log: Request["log"]): AgentView {
  if (agent.status === "failed") {
    log.warn({ error_code: agent.errorCode }, "agent could not be placed");
    throw new ApiError("NO_CAPACITY", agent.errorCode === "NO_CAPACITY" ? `${agent.errorMessage ?? "no worker could start the agent"}; nothing was charged` : `the agent's browser could not start (${agent.errorCode}); nothing was charged`, {
      retryAfter: NO_CAPACITY_RETRY_AFTER_SECONDS,
      extra: { agent_id: agent.id },
    });
  }
  log.info({ status: agent.status }, "agent provisioned");
  return agentView(agent, agentUrls(deps.publicUrl(), agent.id, tokens));
}
