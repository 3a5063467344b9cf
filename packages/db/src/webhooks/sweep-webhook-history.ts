import type { Db } from "../client.ts";

export interface WebhookRetention {
  /** Finished tasks (delivered or given up) older than this are removed. */
  tasksMs: number;
  /** Delivery-log rows and fanned-out events with no unfinished task older than this are removed. */
  logMs: number;
}

export const DEFAULT_WEBHOOK_RETENTION: WebhookRetention = { tasksMs: 7 * 86_400_000, logMs: 30 * 86_400_000 };

/** The tables the sweep keeps bounded, in the order it deletes from them. */
export type WebhookHistoryTable = "webhook_tasks" | "webhook_deliveries" | "outbox_events";

export interface WebhookSweepOptions {
  retention?: WebhookRetention;
  /** Rows per DELETE: each is its own short statement, so no lock is held for long. */
  batch: number;
  /** A sweep starts no new round of DELETEs after this; what is left waits for the next sweep. */
  budgetMs: number;
  /** Stops between DELETEs (shutdown). */
  signal?: AbortSignal;
}

export interface WebhookSweepResult {
  deleted: Record<WebhookHistoryTable, number>;
  /** Nothing past retention was left when the sweep ended (false: budget spent or stopped). */
  caughtUp: boolean;
}

/** Deletes up to `batch` rows of `table` past retention; rows another sweeper holds are skipped, never waited for. */
function deleteBatch(prisma: Db, table: WebhookHistoryTable, retention: WebhookRetention, batch: number): Promise<number> {
  switch (table) {
    case "webhook_tasks":
      return prisma.$executeRaw`
        DELETE FROM webhook_tasks WHERE id IN (
          SELECT id FROM webhook_tasks WHERE finished_at < now() - ${retention.tasksMs}::float8 * interval '1 millisecond'
          LIMIT ${batch}::int FOR UPDATE SKIP LOCKED)`;
    case "webhook_deliveries":
      return prisma.$executeRaw`
        DELETE FROM webhook_deliveries WHERE id IN (
          SELECT id FROM webhook_deliveries WHERE delivered_at < now() - ${retention.logMs}::float8 * interval '1 millisecond'
          LIMIT ${batch}::int FOR UPDATE SKIP LOCKED)`;
    case "outbox_events":
      return prisma.$executeRaw`
        DELETE FROM outbox_events WHERE id IN (
          SELECT o.id FROM outbox_events o
          WHERE o.fanned_out_at < now() - ${retention.logMs}::float8 * interval '1 millisecond'
            AND NOT EXISTS (SELECT 1 FROM webhook_tasks t WHERE t.event_id = o.id AND t.finished_at IS NULL)
          LIMIT ${batch}::int FOR UPDATE OF o SKIP LOCKED)`;
  }
}

/**
 * Keeps the webhook tables bounded: deletes batch after batch from each table until nothing past
 * retention is left or the time budget is spent (the next sweep continues where this one stopped).
 */
export async function sweepWebhookHistory(prisma: Db, options: WebhookSweepOptions): Promise<WebhookSweepResult> {
  const retention = options.retention ?? DEFAULT_WEBHOOK_RETENTION;
  const startedAt = performance.now();
  const deleted: Record<WebhookHistoryTable, number> = { webhook_tasks: 0, webhook_deliveries: 0, outbox_events: 0 };
  const behind = new Set<WebhookHistoryTable>(["webhook_tasks", "webhook_deliveries", "outbox_events"]);
  do {
    for (const table of [...behind]) {
      if (options.signal?.aborted) break;
      const rows = await deleteBatch(prisma, table, retention, options.batch);
      deleted[table] += rows;
      // A short batch means the table is caught up (rows another sweeper held are its to delete).
      if (rows < options.batch) behind.delete(table);
    }
  } while (behind.size > 0 && !options.signal?.aborted && performance.now() - startedAt < options.budgetMs);
  return { deleted, caughtUp: behind.size === 0 };
}
