import type { AgentMode, AgentStatus, ListCursor } from "@browserfleet/core";
import type { Agent, AgentSession, Db, Prisma } from "../client.ts";
import { NEWEST_FIRST, afterCursor, keysetPage } from "../paging/keyset-page.ts";

/**
 * An agent with its newest session (a burner's only one; a persistent agent's current or last), and for a
 * persistent agent the egress bytes summed over all its sessions (absent: the newest session's are the agent's).
 */
export type AgentWithSession = Agent & { session: AgentSession | null; egressTotals?: { up: bigint; down: bigint } };

const newestSession = { sessions: { orderBy: { createdAt: "desc" as const }, take: 1 } };

function withSession(row: Agent & { sessions: AgentSession[] }): AgentWithSession {
  const { sessions, ...agent } = row;
  return { ...agent, session: sessions[0] ?? null };
}

/** Adds egressTotals to the persistent agents among `agents`, one grouped query for all of them. */
async function withEgressTotals(prisma: Db, agents: AgentWithSession[]): Promise<AgentWithSession[]> {
  const persistent = agents.filter((a) => a.mode === "persistent").map((a) => a.id);
  if (persistent.length === 0) return agents;
  const sums = await prisma.agentSession.groupBy({ by: ["agentId"], where: { agentId: { in: persistent } }, _sum: { bytesUp: true, bytesDown: true } });
  const byAgent = new Map(sums.map((s) => [s.agentId, { up: s._sum.bytesUp ?? 0n, down: s._sum.bytesDown ?? 0n }]));
  return agents.map((a) => (a.mode === "persistent" ? { ...a, egressTotals: byAgent.get(a.id) ?? { up: 0n, down: 0n } } : a));
}

/** Null for another workspace's agent as for a missing one: ids never leak existence. */
export async function findAgent(prisma: Db, input: { workspaceId: string; agentId: string }): Promise<AgentWithSession | null> {
  const row = await prisma.agent.findFirst({ where: { id: input.agentId, workspaceId: input.workspaceId }, include: newestSession });
  return row ? ((await withEgressTotals(prisma, [withSession(row)]))[0] ?? null) : null;
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
  return { agents: await withEgressTotals(prisma, page.items.map(withSession)), next: page.next };
}

export async function findAgentSession(prisma: Db, sessionId: string): Promise<(AgentSession & { agent: Agent }) | null> {
  return prisma.agentSession.findUnique({ where: { id: sessionId }, include: { agent: true } });
}
