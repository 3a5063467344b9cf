import type { Db } from "../client.ts";

export interface SweepCandidates {
  /** Running sessions: each must hold a live lease in Redis, else its worker is gone. */
  running: { id: string; workerId: string | null }[];
  /** Queued sessions whose create request must have given up long ago (its API died mid-wait). */
  abandoned: string[];
}

/** What the lost-session sweep checks, oldest first, at most `limit` of each. */
export async function findSessionsToSweep(prisma: Db, input: { limit: number; abandonedAfterSeconds: number }): Promise<SweepCandidates> {
  const running = await prisma.agentSession.findMany({
    where: { status: "running" },
    select: { id: true, workerId: true },
    orderBy: { createdAt: "asc" },
    take: input.limit,
  });
  const abandoned = await prisma.$queryRaw<{ id: string }[]>`
    SELECT id FROM agent_sessions
    WHERE status = 'queued' AND created_at < now() - make_interval(secs => startup_timeout_seconds + ${input.abandonedAfterSeconds})
    ORDER BY created_at LIMIT ${input.limit}`;
  return { running, abandoned: abandoned.map((r) => r.id) };
}
