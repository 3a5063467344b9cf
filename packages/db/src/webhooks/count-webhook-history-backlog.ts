import type { Db } from "../client.ts";
import { DEFAULT_WEBHOOK_RETENTION, type WebhookHistoryTable, type WebhookRetention } from "./sweep-webhook-history.ts";

/** Counting stops here: a metric scrape must stay cheap however far behind the sweep is. */
export const WEBHOOK_BACKLOG_COUNT_CAP = 100_000;

/** Rows past retention that the sweep has yet to delete, per table, each counted up to `cap` (index range scans). */
export async function countWebhookHistoryBacklog(
  prisma: Db,
  retention: WebhookRetention = DEFAULT_WEBHOOK_RETENTION,
  cap = WEBHOOK_BACKLOG_COUNT_CAP,
): Promise<Record<WebhookHistoryTable, number>> {
  const [row] = await prisma.$queryRaw<{ tasks: number; deliveries: number; events: number }[]>`
    SELECT
      (SELECT count(*) FROM (SELECT 1 FROM webhook_tasks
        WHERE finished_at < now() - ${retention.tasksMs}::float8 * interval '1 millisecond' LIMIT ${cap}::int) t)::int AS tasks,
      (SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries
        WHERE delivered_at < now() - ${retention.logMs}::float8 * interval '1 millisecond' LIMIT ${cap}::int) d)::int AS deliveries,
      (SELECT count(*) FROM (SELECT 1 FROM outbox_events o
        WHERE o.fanned_out_at < now() - ${retention.logMs}::float8 * interval '1 millisecond'
          AND NOT EXISTS (SELECT 1 FROM webhook_tasks t WHERE t.event_id = o.id AND t.finished_at IS NULL)
        LIMIT ${cap}::int) e)::int AS events`;
  return { webhook_tasks: row!.tasks, webhook_deliveries: row!.deliveries, outbox_events: row!.events };
}
