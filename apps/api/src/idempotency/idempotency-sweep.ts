import type { Logger } from "pino";
import { deleteExpiredIdempotencyKeys, type Db } from "@browserfleet/db";
import { startPeriodicTask, type PeriodicTask } from "@browserfleet/runtime";

export interface IdempotencySweepOptions {
  prisma: Db;
  logger: Logger;
  intervalMs: number;
}

/** Deletes expired idempotency keys now and then; a claim treats an expired row as absent anyway. */
export function startIdempotencySweep(options: IdempotencySweepOptions): PeriodicTask {
  return startPeriodicTask(options.intervalMs, async () => {
    try {
      const deleted = await deleteExpiredIdempotencyKeys(options.prisma);
      if (deleted > 0) options.logger.debug({ deleted }, "expired idempotency keys deleted");
    } catch (err) {
      options.logger.warn({ err }, "idempotency key sweep failed; the next one retries");
    }
  });
}
