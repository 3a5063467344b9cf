import { nextAttemptDelayMs } from "@browserfleet/core";
import type { Db } from "../client.ts";

export interface WebhookAttemptOutcome {
  statusCode: number | null;
  durationMs: number;
  /** Why it failed. */
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
 * Writes a failed attempt's delivery row and moves the task on, in one transaction: due again per
 * the schedule (a Retry-After is a floor); given up after the last attempt; or the endpoint
 * disabled (410 Gone, or failing everything for `disableAfterMs`), which the row says. A task
 * whose lease was lost meanwhile keeps its new owner's state; the attempt is still logged.
 * Delivered attempts are recorded in batches (recordDeliveredAttempts).
 */
export async function recordFailedWebhookAttempt(prisma: Db, o: RecordWebhookAttemptOptions): Promise<Exclude<RecordedAttempt, "delivered">> {
  return prisma.$transaction(async (tx) => {
    const { outcome } = o;
    let result: Exclude<RecordedAttempt, "delivered">;
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
