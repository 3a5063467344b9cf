import { ApiError } from "@browserfleet/core";
import type { AgentSession, Db } from "../client.ts";
import { insertReservedSession, type ReservedSessionInput } from "./insert-reserved-session.ts";
import { holdAgentCap } from "./create-agent.ts";

/** A new session is exactly what insertReservedSession writes, on an agent that must be stopped. */
export type OpenAgentSessionInput = ReservedSessionInput;

/**
 * A new session on a stopped persistent agent, in one transaction with its tokens and
 * reservation, under the same max_agents count as a create. 400 on a burner, 409 AGENT_RUNNING
 * while a session is open (queued, running or still saving), 409 AGENT_NOT_RUNNING once destroyed.
 */
export async function openAgentSession(prisma: Db, input: OpenAgentSessionInput): Promise<AgentSession> {
  return prisma.$transaction(async (tx) => {
    await holdAgentCap(tx, input.workspaceId);
    const agent = await tx.agent.findFirst({ where: { id: input.agentId, workspaceId: input.workspaceId } });
    if (!agent) throw new ApiError("NOT_FOUND", `agent ${input.agentId} not found`);
    if (agent.mode !== "persistent") throw new ApiError("BAD_REQUEST", "a burner agent has exactly one session; create a persistent agent to open sessions on it");
    if (agent.status === "destroyed" || agent.status === "failed") throw new ApiError("AGENT_NOT_RUNNING", `agent ${agent.id} is ${agent.status}`);
    // The agent row is locked by this conditional update: two concurrent opens cannot both see it stopped.
    const moved = await tx.agent.updateMany({ where: { id: agent.id, status: "stopped" }, data: { status: "queued" } });
    if (moved.count === 0) throw new ApiError("AGENT_RUNNING", `a session is already open on agent ${agent.id}`);
    const session = await insertReservedSession(tx, input);
    return session;
  });
}
