import type { Db } from "../client.ts";
import type { DriverPool } from "../hot-paths/driver-pool.ts";

export interface FannedOutEvent {
  id: string;
  created_at: Date;
  fanned_out_at: Date;
  tasks: number;
}

// Through the driver: the dispatcher runs it every round.
const FAN_OUT = `
    WITH batch AS (
      SELECT id, workspace_id, type, created_at FROM outbox_events
      WHERE fanned_out_at IS NULL
      ORDER BY created_at
      LIMIT $1::int
      FOR UPDATE SKIP LOCKED
    ), inserted AS (
      INSERT INTO webhook_tasks (id, event_id, endpoint_id, due_at)
      -- Due since the event happened: first attempts are claimed in event order (due_at is the claim's order).
      SELECT gen_random_uuid(), b.id, e.id, b.created_at
      FROM batch b
      JOIN webhook_endpoints e ON e.workspace_id = b.workspace_id
        AND e.enabled AND (cardinality(e.events) = 0 OR b.type = ANY(e.events))
      ON CONFLICT (event_id, endpoint_id) DO NOTHING
      RETURNING event_id
    ), counted AS (
      -- Counted once, then joined: a per-event count over the inserted rows would make the batch quadratic.
      SELECT event_id, count(*)::int AS n FROM inserted GROUP BY event_id
    )
    UPDATE outbox_events o SET fanned_out_at = now()
    FROM batch b
    LEFT JOIN counted c ON c.event_id = b.id
    WHERE o.id = b.id
    RETURNING o.id, o.created_at, o.fanned_out_at, coalesce(c.n, 0) AS tasks`;

/**
 * Turns up to `limit` new outbox events into one pending task per enabled endpoint of the
 * workspace whose filter matches (none or the event's type). SKIP LOCKED lets any number of
 * dispatchers fan out side by side; the unique (event, endpoint) makes a repeat harmless.
 */
export async function fanOutEvents(driver: DriverPool, limit: number): Promise<FannedOutEvent[]> {
  const { rows } = await driver.pool.query<FannedOutEvent>({ name: "bf_fan_out_events", text: FAN_OUT, values: [limit] });
  return rows;
}

/** Seconds the oldest event has waited for fan-out (0 when none waits): the outbox lag gauge. */
export async function outboxLagSeconds(prisma: Db): Promise<number> {
  const rows = await prisma.$queryRaw<{ lag: number | null }[]>`
    SELECT EXTRACT(EPOCH FROM now() - min(created_at))::float8 AS lag FROM outbox_events WHERE fanned_out_at IS NULL`;
  return Math.max(0, rows[0]?.lag ?? 0);
}
