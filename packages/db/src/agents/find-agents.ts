import type { AgentMode, AgentStatus, ListCursor } from "@browserfleet/core";
import type { Agent, AgentSession, Db, Prisma } from "../client.ts";
import { NEWEST_FIRST, afterCursor, keysetPage } from "../paging/keyset-page.ts";

/** An agent with its newest session (a burner's only one; a persistent agent's current or last). */
export type AgentWithSession = Agent & { session: AgentSession | null };

const newestSession = { sessions: { orderBy: { createdAt: "desc" as const }, take: 1 } };

function withSession(row: Agent & { sessions: AgentSession[] }): AgentWithSession {
  const { sessions, ...agent } = row;
  return { ...agent, session: sessions[0] ?? null };
}

/** Null for another workspace's agent as for a missing one: ids never leak existence. */
export async function findAgent(prisma: Db, input: { workspaceId: string; agentId: string }): Promise<AgentWithSession | null> {
  const row = await prisma.agent.findFirst({ where: { id: input.agentId, workspaceId: input.workspaceId }, include: newestSession });
  return row ? withSession(row) : null;
}

export async function listAgents(
  prisma: Db,
  input: { workspaceId: string; mode?: AgentMode; status?: AgentStatus; limit: number; after?: ListCursor },
): Promise<{ agents: AgentWithSession[]; next: ListCursor | null }> {
  const where: Prisma.AgentWhereInput = { workspaceId: input.workspaceId };
  if (input.mode) where.mode = input.mode;
  if (input.status) where.status = input.status;
  if (input.after) where.OR = afterCursor(input.after);
  const rows = await prisma.agent.findMany({ where, orderBy: NEWEST_FIRST, take: input.limit + 1, include: newestSession });
  const page = keysetPage(rows, input.limit);
  return { agents: page.items.map(withSession), next: page.next };
}

export async function findAgentSession(prisma: Db, sessionId: string): Promise<(AgentSession & { agent: Agent }) | null> {
  return prisma.agentSession.findUnique({ where: { id: sessionId }, include: { agent: true } });
}
