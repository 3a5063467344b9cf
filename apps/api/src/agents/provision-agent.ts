import type { Request } from "express";
import { agentUrls } from "@browserfleet/agents";
import { ApiError, PRICES, mintAgentToken, sessionReservation, warmupRecipes, type AgentView, type CreateAgentBody } from "@browserfleet/core";
import { createAgent, findAgent } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { checkTargets } from "../submit/check-targets.ts";
import { agentView } from "./agent-view.ts";
import { placeSession, type PlaceDeps } from "./place-session.ts";

type ProvisionDeps = PlaceDeps & Pick<ApiDeps, "targetPolicy" | "publicUrl" | "rateLimits">;

const DAY_MS = 86_400_000;

/** The recipe's URLs (built-in or from AGENT_WARMUP_RECIPES), or 400 for a name this server does not know. */
function warmupUrls(deps: Pick<ApiDeps, "config">, name: string): string[] {
  const urls = warmupRecipes(deps.config.AGENT_WARMUP_RECIPES)[name];
  if (urls === undefined) {
    const known = Object.keys(warmupRecipes(deps.config.AGENT_WARMUP_RECIPES)).join(", ");
    throw new ApiError("BAD_REQUEST", `unknown warmup_recipe "${name}"`, { details: [{ path: "warmup_recipe", message: `no such recipe on this server (known: ${known})` }] });
  }
  return [...urls];
}

/**
 * POST /v1/agents: checks, then one transaction writes the agent, its first session, tokens and
 * reservation (the workspace's max_agents counted under its row lock; a persistent agent's first
 * renewal charged too); the session is handed to the fleet, and the request waits until a worker
 * has its browser running (201) or gives up at startup_timeout_seconds (503 NO_CAPACITY, the
 * agent failed and nothing charged).
 */
export async function provisionAgent(deps: ProvisionDeps, req: Request, body: CreateAgentBody): Promise<AgentView> {
  const workspaceId = req.auth!.workspaceId;
  if (body.initial_url !== undefined) await checkTargets(deps, [body.initial_url], "initial_url", workspaceId);
  if (body.warmup_recipe !== undefined) await checkTargets(deps, warmupUrls(deps, body.warmup_recipe), "warmup_recipe", workspaceId);
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
    ...(body.mode === "persistent" ? { renewal: { credits: PRICES.persistent_agent_renewal, nextAt: new Date(Date.now() + deps.config.PERSISTENT_RENEWAL_DAYS * DAY_MS) } } : {}),
  });
  const log = req.log.child({ agent_id: agent.id, session_id: session.id, workspace_id: workspaceId });
  try {
    await placeSession(deps, { id: session.id, agentId: agent.id, startupTimeoutSeconds: body.startup_timeout_seconds });
  } catch (err) {
    log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "agent could not be placed");
    throw err;
  }
  const placed = (await findAgent(deps.prisma, { workspaceId, agentId: agent.id }))!;
  log.info({ status: placed.status, mode: placed.mode }, "agent provisioned");
  return agentView(placed, agentUrls(deps.publicUrl(), agent.id, { cdp: cdp.token, view: view.token }));
}
