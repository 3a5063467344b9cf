import type { Db } from "../jobs/db-types.ts";

export interface WebhookRetention {
  /** Finished tasks (delivered or given up) older than this are removed. */
  tasksMs: number;
  /** Delivery-log rows and fanned-out events with no unfinished task older than this are removed. */
  logMs: number;
}

export const DEFAULT_WEBHOOK_RETENTION: WebhookRetention = { tasksMs: 7 * 86_400_000, logMs: 30 * 86_400_000 };

/** Keeps the webhook tables bounded; each statement deletes at most `batch` rows so a sweep never holds long locks. */
export async function sweepWebhookHistory(prisma: Db, retention: WebhookRetention = DEFAULT_WEBHOOK_RETENTION, batch = 5_000): Promise<number> {
  const tasks = await prisma.$executeRaw`
    DELETE FROM webhook_tasks WHERE id IN (
      SELECT id FROM webhook_tasks WHERE finished_at < now() - ${retention.tasksMs}::float8 * interval '1 millisecond' LIMIT ${batch}::int)`;
  const deliveries = await prisma.$executeRaw`
    DELETE FROM webhook_deliveries WHERE id IN (
      SELECT id FROM webhook_deliveries WHERE delivered_at < now() - ${retention.logMs}::float8 * interval '1 millisecond' LIMIT ${batch}::int)`;
  const events = await prisma.$executeRaw`
    DELETE FROM outbox_events WHERE id IN (
      SELECT o.id FROM outbox_events o
      WHERE o.fanned_out_at < now() - ${retention.logMs}::float8 * interval '1 millisecond'
        AND NOT EXISTS (SELECT 1 FROM webhook_tasks t WHERE t.event_id = o.id AND t.finished_at IS NULL)
      LIMIT ${batch}::int)`;
  return tasks + deliveries + events;
}
