import type { ListCursor } from "@browserfleet/core";
import type { AgentSession, Db, Prisma } from "../client.ts";
import { NEWEST_FIRST, afterCursor, keysetPage } from "../paging/keyset-page.ts";

/** An agent's sessions, newest first (the caller has checked the agent is the workspace's). */
export async function listAgentSessions(prisma: Db, input: { agentId: string; limit: number; after?: ListCursor }): Promise<{ sessions: AgentSession[]; next: ListCursor | null }> {
  const where: Prisma.AgentSessionWhereInput = { agentId: input.agentId };
  if (input.after) where.OR = afterCursor(input.after);
  const rows = await prisma.agentSession.findMany({ where, orderBy: NEWEST_FIRST, take: input.limit + 1 });
  const page = keysetPage(rows, input.limit);
  return { sessions: page.items, next: page.next };
}
