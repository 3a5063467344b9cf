import type { Logger } from "pino";
import { sweepWebhookHistory, type Db, type WebhookRetention } from "@browserfleet/db";
import type { DispatcherMetrics } from "./dispatcher-metrics.ts";

export interface HistorySweeperOptions {
  prisma: Db;
  logger: Logger;
  metrics: Pick<DispatcherMetrics, "historySwept">;
  intervalMs: number;
  budgetMs: number;
  batch: number;
  retention?: WebhookRetention;
}

export interface HistorySweeper {
  /** Stops after the DELETE in flight (if any). */
  stop(): Promise<void>;
}

/**
 * Deletes webhook history past retention now and then every `intervalMs`, each run until caught up
 * or out of budget. Runs beside the delivery loop, so a long sweep never delays a delivery.
 */
export function startHistorySweeper(options: HistorySweeperOptions): HistorySweeper {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const runOnce = async (): Promise<void> => {
    try {
      const result = await sweepWebhookHistory(options.prisma, {
        batch: options.batch,
        budgetMs: options.budgetMs,
        signal: stopping.signal,
        ...(options.retention ? { retention: options.retention } : {}),
      });
      for (const [table, rows] of Object.entries(result.deleted)) if (rows > 0) options.metrics.historySwept.inc({ table }, rows);
      const rows = Object.values(result.deleted).reduce((a, b) => a + b, 0);
      if (!result.caughtUp && !stopping.signal.aborted) {
        options.logger.warn({ deleted: result.deleted, budget_ms: options.budgetMs }, "webhook history sweep ran out of budget; the next one continues (see browserfleet_webhook_history_backlog_rows)");
      } else if (rows > 0) {
        options.logger.info({ deleted: result.deleted }, "swept old webhook history");
      }
    } catch (err) {
      options.logger.warn({ err: { message: (err as Error).message } }, "webhook history sweep failed; the next one retries");
    }
  };

  const schedule = (delayMs: number): void => {
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        if (!stopping.signal.aborted) schedule(options.intervalMs);
      });
    }, delayMs);
  };
  schedule(0);

  return {
    stop: async () => {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
