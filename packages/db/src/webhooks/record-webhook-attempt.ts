import { nextAttemptDelayMs } from "@browserfleet/core";
import type { Db } from "../client.ts";

export interface WebhookAttemptOutcome {
  /** A 2xx answer within the timeout. */
  delivered: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** The receiver's Retry-After, in ms, if it sent one. */
  retryAfterMs: number | null;
}

export interface RecordWebhookAttemptOptions {
  taskId: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  attempt: number;
  startedAt: Date;
  outcome: WebhookAttemptOutcome;
  /** Multiplies the retry schedule (WEBHOOK_RETRY_SCALE). */
  retryScale: number;
  /** An endpoint that has failed every attempt for this long is disabled (3 days in production). */
  disableAfterMs: number;
}

export type RecordedAttempt = "delivered" | "retry" | "gave_up" | "disabled" | "lease_lost";

/**
 * Writes the attempt's delivery row and moves the task on, in one transaction: delivered; due
 * again per the schedule (a Retry-After is a floor); given up after the last attempt; or the
 * endpoint disabled (410 Gone, or failing everything for `disableAfterMs`), which the row says.
 * A task whose lease was lost meanwhile keeps its new owner's state; the attempt is still logged.
 */
export async function recordWebhookAttempt(prisma: Db, o: RecordWebhookAttemptOptions): Promise<RecordedAttempt> {
  if (o.outcome.delivered) return recordDelivered(prisma, o);
  return prisma.$transaction(async (tx) => {
    const { outcome } = o;
    let result: RecordedAttempt;
    let error = outcome.error;
    let nextAttemptAt: Date | null = null;
    // Endpoint before task, the order claims lock them in, so a claim and a record never deadlock.
    await tx.$executeRaw`SELECT 1 FROM webhook_endpoints WHERE id = ${o.endpointId}::uuid FOR UPDATE`;
    const owned = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM webhook_tasks WHERE id = ${o.taskId}::uuid AND state = 'sending' AND attempts = ${o.attempt} FOR UPDATE`;
    if (owned.length === 0) {
      result = "lease_lost";
    } else {
      const endpoint = await tx.$queryRaw<{ failing_since: Date; enabled: boolean }[]>`
        UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ${o.startedAt}), updated_at = now()
        WHERE id = ${o.endpointId}::uuid RETURNING failing_since, enabled`;
      const failingSince = endpoint[0]?.failing_since ?? o.startedAt;
      const gone = outcome.statusCode === 410;
      const failingTooLong = Date.now() - failingSince.getTime() >= o.disableAfterMs;
      const delay = nextAttemptDelayMs(o.attempt, o.retryScale, outcome.retryAfterMs);
      if (endpoint[0]?.enabled && (gone || failingTooLong)) {
        const reason = gone
          ? "the receiver answered 410 Gone"
          : `every delivery has failed since ${failingSince.toISOString()} (${Math.round(o.disableAfterMs / 3_600_000)} h or more)`;
        await tx.$executeRaw`
          UPDATE webhook_endpoints SET enabled = false, disabled_reason = ${reason}, updated_at = now() WHERE id = ${o.endpointId}::uuid`;
        error = `${error ?? "failed"}; endpoint disabled: ${reason}`;
        result = "disabled";
      } else {
        result = gone || delay === null ? "gave_up" : "retry";
      }
      if (gone || delay === null) {
        if (delay === null && !gone) error = `${error ?? "failed"}; gave up after ${o.attempt} attempts`;
        await tx.$executeRaw`UPDATE webhook_tasks SET state = 'failed', locked_until = NULL, finished_at = now() WHERE id = ${o.taskId}::uuid`;
      } else {
        const due = new Date(Date.now() + delay);
        await tx.$executeRaw`UPDATE webhook_tasks SET state = 'pending', locked_until = NULL, due_at = ${due} WHERE id = ${o.taskId}::uuid`;
        // A disabled endpoint's task waits for re-enabling; until then there is no next attempt to announce.
        if (result === "retry") nextAttemptAt = due;
      }
    }
    await tx.webhookDelivery.create({
      data: {
        endpointId: o.endpointId,
        eventId: o.eventId,
        eventType: o.eventType,
        attempt: o.attempt,
        statusCode: outcome.statusCode,
        deliveredAt: o.startedAt,
        durationMs: outcome.durationMs,
        error,
        nextAttemptAt,
      },
    });
    return result;
  });
}

/**
 * The common case in one statement (one round trip, locks held only while it runs): the task is
 * delivered, a failing streak ends, the attempt is logged. A healthy endpoint's row is not even
 * locked, so successes never wait on claims.
 */
async function recordDelivered(prisma: Db, o: RecordWebhookAttemptOptions): Promise<RecordedAttempt> {
  const rows = await prisma.$queryRaw<{ owned: number }[]>`
    WITH task AS (
      UPDATE webhook_tasks SET state = 'delivered', locked_until = NULL, finished_at = now()
      WHERE id = ${o.taskId}::uuid AND state = 'sending' AND attempts = ${o.attempt}::int
      RETURNING id
    ), streak AS (
      UPDATE webhook_endpoints SET failing_since = NULL, updated_at = now()
      WHERE id = ${o.endpointId}::uuid AND failing_since IS NOT NULL AND EXISTS (SELECT 1 FROM task)
    ), logged AS (
      INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, attempt, status_code, delivered_at, duration_ms)
      VALUES (gen_random_uuid(), ${o.endpointId}::uuid, ${o.eventId}, ${o.eventType}, ${o.attempt}::int, ${o.outcome.statusCode}::int, ${o.startedAt}::timestamptz, ${o.outcome.durationMs}::int)
    )
    SELECT count(*)::int AS owned FROM task`;
  return rows[0]?.owned === 1 ? "delivered" : "lease_lost";
}
