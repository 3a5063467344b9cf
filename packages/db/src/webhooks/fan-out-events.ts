import type { Db } from "../client.ts";

export interface FannedOutEvent {
  id: string;
  created_at: Date;
  fanned_out_at: Date;
  tasks: number;
}

/**
 * Turns up to `limit` new outbox events into one pending task per enabled endpoint of the
 * workspace whose filter matches (none or the event's type). SKIP LOCKED lets any number of
 * dispatchers fan out side by side; the unique (event, endpoint) makes a repeat harmless.
 */
export async function fanOutEvents(prisma: Db, limit: number): Promise<FannedOutEvent[]> {
  return prisma.$queryRaw<FannedOutEvent[]>`
    WITH batch AS (
      SELECT id, workspace_id, type FROM outbox_events
      WHERE fanned_out_at IS NULL
      ORDER BY created_at
      LIMIT ${limit}::int
      FOR UPDATE SKIP LOCKED
    ), inserted AS (
      INSERT INTO webhook_tasks (id, event_id, endpoint_id, due_at)
      SELECT gen_random_uuid(), b.id, e.id, now()
      FROM batch b
      JOIN webhook_endpoints e ON e.workspace_id = b.workspace_id
        AND e.enabled AND (cardinality(e.events) = 0 OR b.type = ANY(e.events))
      ON CONFLICT (event_id, endpoint_id) DO NOTHING
      RETURNING event_id
    )
    UPDATE outbox_events o SET fanned_out_at = now()
    FROM batch b
    WHERE o.id = b.id
    RETURNING o.id, o.created_at, o.fanned_out_at,
      (SELECT count(*)::int FROM inserted i WHERE i.event_id = o.id) AS tasks`;
}

/** Seconds the oldest event has waited for fan-out (0 when none waits): the outbox lag gauge. */
export async function outboxLagSeconds(prisma: Db): Promise<number> {
  const rows = await prisma.$queryRaw<{ lag: number | null }[]>`
    SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS lag FROM outbox_events WHERE fanned_out_at IS NULL`;
  return Math.max(0, rows[0]?.lag ?? 0);
}
