import { ApiError, newAgentId, type AgentMode } from "@browserfleet/core";
import type { Agent, AgentSession, Db, Prisma, Tx } from "../client.ts";
import { moveCredits } from "../credits/move-credits.ts";
import { insertReservedSession } from "./insert-reserved-session.ts";

export interface CreateAgentInput {
  workspaceId: string;
  mode: AgentMode;
  osType: string;
  country: string;
  persona: string | null;
  warmupRecipe: string | null;
  metadata: Record<string, unknown>;
  initialUrl: string | null;
  idleTimeoutSeconds: number;
  ttlSeconds: number;
  startupTimeoutSeconds: number;
  /** Credits reserved for the first session: its whole TTL. */
  reserve: number;
  /** sha256 of the session's first CDP and view tokens. */
  tokenHashes: { cdp: string; view: string };
  /** A persistent agent's first renewal, charged now, and when the next one is due. */
  renewal?: { credits: number; nextAt: Date };
}

/** When the cap refuses a create: the contract's fixed Retry-After. */
export const AGENT_CAP_RETRY_AFTER_SECONDS = 30;

/**
 * One transaction: the workspace row is locked, so the count of open sessions (queued or running)
 * against max_agents is exact across every API replica; then the agent, its first session, its
 * tokens and the reservation (402 when the balance cannot cover it). Placement follows the commit.
 */
export async function createAgent(prisma: Db, input: CreateAgentInput): Promise<{ agent: Agent; session: AgentSession }> {
  return prisma.$transaction(async (tx) => {
    await holdAgentCap(tx, input.workspaceId);
    const agent = await tx.agent.create({ data: agentData(input) });
    // The workspace row is already ours, so the reservation cannot deadlock with another create.
    const session = await insertReservedSession(tx, { ...input, agentId: agent.id });
    if (input.renewal && !(await moveCredits(tx, { workspaceId: input.workspaceId, delta: -input.renewal.credits, reason: "agent_renewal", agentId: agent.id }))) {
      throw new ApiError("INSUFFICIENT_CREDIT", `a persistent agent needs its first renewal (${input.renewal.credits} credits) and its first session's reservation (${input.reserve}); the balance cannot cover them`);
    }
    return { agent, session };
  });
}

/**
 * Locks the workspace row (so concurrent creates on every API replica count one after another)
 * and refuses when its open sessions (queued or running) already fill max_agents.
 */
export async function holdAgentCap(tx: Tx, workspaceId: string): Promise<void> {
  const [workspace] = await tx.$queryRaw<{ max_agents: number }[]>`
    SELECT max_agents FROM workspaces WHERE id = ${workspaceId}::uuid FOR UPDATE`;
  if (!workspace) throw new ApiError("NOT_FOUND", "workspace not found");
  const open = await tx.agentSession.count({ where: { workspaceId, status: { in: ["queued", "running"] } } });
  if (open >= workspace.max_agents) {
    throw new ApiError("TOO_MANY_REQUESTS", `this workspace already runs ${open} of its ${workspace.max_agents} agents; end one or retry later`, {
      retryAfter: AGENT_CAP_RETRY_AFTER_SECONDS,
    });
  }
}

function agentData(input: CreateAgentInput): Prisma.AgentUncheckedCreateInput {
  return {
    id: newAgentId(),
    workspaceId: input.workspaceId,
    mode: input.mode,
    osType: input.osType,
    country: input.country,
    persona: input.persona,
    warmupRecipe: input.warmupRecipe,
    metadata: input.metadata as Prisma.InputJsonObject,
    initialUrl: input.initialUrl,
    idleTimeoutSeconds: input.idleTimeoutSeconds,
    costCredits: input.renewal?.credits ?? 0,
    nextRenewalAt: input.renewal?.nextAt ?? null,
  };
}
