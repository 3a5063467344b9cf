import type { DriverPool } from "../hot-paths/driver-pool.ts";

export interface DeliveredAttempt {
  taskId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  statusCode: number;
  startedAt: Date;
  durationMs: number;
}

// recordWebhookAttempt's delivered case for many attempts at once: the same three writes, one statement.
const RECORD_DELIVERED = `
    WITH input AS (
      SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::int[], $7::timestamptz[], $8::int[])
        AS x(task_id, endpoint_id, event_id, event_type, attempt, status_code, started_at, duration_ms)
    ), task AS (
      UPDATE webhook_tasks t SET state = 'delivered', locked_until = NULL, finished_at = now()
      FROM input i
      WHERE t.id = i.task_id AND t.state = 'sending' AND t.attempts = i.attempt
      RETURNING t.id, t.endpoint_id
    ), streak AS (
      UPDATE webhook_endpoints e SET failing_since = NULL, updated_at = now()
      WHERE e.id IN (SELECT endpoint_id FROM task) AND e.failing_since IS NOT NULL
    ), logged AS (
      INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, attempt, status_code, delivered_at, duration_ms)
      SELECT gen_random_uuid(), endpoint_id, event_id, event_type, attempt, status_code, started_at, duration_ms FROM input
    )
    SELECT id FROM task`;

/**
 * Records delivered attempts in one statement (one round trip, one commit): each task still ours
 * (state sending, same attempt) is delivered and its endpoint's failing streak ends; every attempt
 * gets its delivery-log row, a lease_lost one too. Returns the ids of the tasks that were still ours.
 */
export async function recordDeliveredAttempts(driver: DriverPool, attempts: DeliveredAttempt[]): Promise<Set<string>> {
  if (attempts.length === 0) return new Set();
  const column = <T>(pick: (a: DeliveredAttempt) => T): T[] => attempts.map(pick);
  const { rows } = await driver.pool.query<{ id: string }>({
    name: "bf_webhook_record_delivered",
    text: RECORD_DELIVERED,
    values: [
      column((a) => a.taskId),
      column((a) => a.endpointId),
      column((a) => a.eventId),
      column((a) => a.eventType),
      column((a) => a.attempt),
      column((a) => a.statusCode),
      column((a) => a.startedAt),
      column((a) => a.durationMs),
    ],
  });
  return new Set(rows.map((r) => r.id));
}
