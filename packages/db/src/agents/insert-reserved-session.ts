import { ApiError, newSessionId } from "@browserfleet/core";
import type { AgentSession, Tx } from "../client.ts";
import { moveCredits } from "../credits/move-credits.ts";

export interface ReservedSessionInput {
  workspaceId: string;
  agentId: string;
  ttlSeconds: number;
  startupTimeoutSeconds: number;
  /** Credits reserved for the session: its whole TTL (402 when the balance cannot cover them). */
  reserve: number;
  /** sha256 of the session's first CDP and view tokens. */
  tokenHashes: { cdp: string; view: string };
}

/**
 * Inside the caller's transaction, after it holds the workspace row (holdAgentCap): a queued
 * session, its two tokens and its reservation.
 */
export async function insertReservedSession(tx: Tx, input: ReservedSessionInput): Promise<AgentSession> {
  const session = await tx.agentSession.create({
    data: {
      id: newSessionId(),
      agentId: input.agentId,
      workspaceId: input.workspaceId,
      ttlSeconds: input.ttlSeconds,
      startupTimeoutSeconds: input.startupTimeoutSeconds,
      creditsReserved: input.reserve,
    },
  });
  await tx.agentToken.createMany({
    data: [
      { tokenHash: input.tokenHashes.cdp, agentId: input.agentId, sessionId: session.id, kind: "cdp" },
      { tokenHash: input.tokenHashes.view, agentId: input.agentId, sessionId: session.id, kind: "view" },
    ],
  });
  if (input.reserve > 0 && !(await moveCredits(tx, { workspaceId: input.workspaceId, delta: -input.reserve, reason: "agent_reserve", agentId: input.agentId }))) {
    throw new ApiError("INSUFFICIENT_CREDIT", `this session's TTL needs ${input.reserve} credits reserved and the balance cannot cover them`);
  }
  return session;
}
