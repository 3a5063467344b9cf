import type { AgentTokenKind } from "@browserfleet/core";
import type { AgentSession, Db } from "../client.ts";

export interface ResolvedAgentToken {
  kind: AgentTokenKind;
  agentId: string;
  workspaceId: string;
  session: Pick<AgentSession, "id" | "status" | "workerId" | "workerUrl" | "expiresAt">;
}

/** The token with this hash if it belongs to `agentId` and has not expired; null otherwise (one read, by primary key). */
export async function resolveAgentToken(prisma: Db, input: { agentId: string; tokenHash: string; now?: Date }): Promise<ResolvedAgentToken | null> {
  const row = await prisma.agentToken.findUnique({
    where: { tokenHash: input.tokenHash },
    include: {
      session: { select: { id: true, status: true, workerId: true, workerUrl: true, expiresAt: true } },
      agent: { select: { workspaceId: true } },
    },
  });
  if (!row || row.agentId !== input.agentId) return null;
  if (row.expiresAt !== null && row.expiresAt <= (input.now ?? new Date())) return null;
  return { kind: row.kind as AgentTokenKind, agentId: row.agentId, workspaceId: row.agent.workspaceId, session: row.session };
}

/** Another token for a session (GET /cdp mints cdp + view; preview-token mints a view one that expires). */
export async function insertAgentTokens(
  prisma: Db,
  input: { agentId: string; sessionId: string; tokens: { hash: string; kind: AgentTokenKind; expiresAt?: Date }[] },
): Promise<void> {
  await prisma.agentToken.createMany({
    data: input.tokens.map((t) => ({ tokenHash: t.hash, agentId: input.agentId, sessionId: input.sessionId, kind: t.kind, expiresAt: t.expiresAt ?? null })),
  });
}
