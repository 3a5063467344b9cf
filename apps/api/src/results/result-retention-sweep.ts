import type { Logger } from "pino";
import { sweepExpiredResults, type BlobStores, type Db } from "@browserfleet/db";
import { startPeriodicTask, type PeriodicTask } from "@browserfleet/runtime";

export interface ResultRetentionSweepOptions {
  prisma: Db;
  stores: BlobStores;
  logger: Logger;
  retentionDays: number;
  intervalMs: number;
}

/**
 * Deletes results past RESULT_RETENTION_DAYS now and then (every API replica; their batches skip
 * each other's locked jobs). Readers already answer 410 for a job past its retention, so how
 * late a sweep runs only decides when the space is freed.
 */
export function startResultRetentionSweep(options: ResultRetentionSweepOptions): PeriodicTask {
  if (!(options.retentionDays > 0)) return { stop: async () => undefined };
  return startPeriodicTask(options.intervalMs, async () => {
    try {
      const swept = await sweepExpiredResults(options.prisma, { retentionDays: options.retentionDays, stores: options.stores });
      if (swept.jobs > 0) options.logger.info({ jobs: swept.jobs, items: swept.items, blobs: swept.blobs }, "results past their retention deleted");
    } catch (err) {
      options.logger.warn({ err }, "result retention sweep failed; the next one retries");
    }
  });
}
