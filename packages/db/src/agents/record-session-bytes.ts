import type { Db } from "../client.ts";

export interface SessionBytes {
  sessionId: string;
  up: number;
  down: number;
}

/**
 * The hosting worker's periodic write of what its sessions' egress proxies have carried so far,
 * in one statement for all of them. Only ever raises the counts (GREATEST): a late write can
 * never undo a later one or the end's, and a session whose worker is lost keeps the last written.
 */
export async function recordAgentSessionBytes(prisma: Db, sessions: readonly SessionBytes[]): Promise<void> {
  if (sessions.length === 0) return;
  const rows = JSON.stringify(sessions.map((s) => ({ id: s.sessionId, up: Math.max(0, Math.floor(s.up)), down: Math.max(0, Math.floor(s.down)) })));
  await prisma.$executeRaw`
    UPDATE agent_sessions AS s SET bytes_up = GREATEST(s.bytes_up, v.up), bytes_down = GREATEST(s.bytes_down, v.down)
    FROM jsonb_to_recordset(${rows}::jsonb) AS v(id text, up bigint, down bigint)
    WHERE s.id = v.id AND (s.bytes_up < v.up OR s.bytes_down < v.down)`;
}
