import type { Logger } from "pino";
import { deleteExpiredIdempotencyKeys, type Db } from "@browserfleet/db";

export interface IdempotencySweepOptions {
  prisma: Db;
  logger: Logger;
  intervalMs: number;
}

/** Deletes expired idempotency keys now and then; a claim treats an expired row as absent anyway. */
export function startIdempotencySweep(options: IdempotencySweepOptions): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const sweep = async (): Promise<void> => {
    try {
      const deleted = await deleteExpiredIdempotencyKeys(options.prisma);
      if (deleted > 0) options.logger.debug({ deleted }, "expired idempotency keys deleted");
    } catch (err) {
      options.logger.warn({ err }, "idempotency key sweep failed; the next one retries");
    }
  };
  const timer = setInterval(() => {
    // One pass at a time: a slow pass is not stacked on by the next tick.
    running ??= sweep().finally(() => (running = null));
  }, options.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
