import type { Logger } from "pino";
import { recordApiKeyUsage, type Db } from "@browserfleet/db";

export interface KeyUsageRecorderOptions {
  prisma: Db;
  logger: Logger;
  /** How often the batch is written; last_used_at lags real use by at most this much. */
  intervalMs: number;
}

/**
 * last_used_at without a write per request: remembers each key's latest use in memory and
 * writes them all in one UPDATE every interval, and once more on shutdown.
 */
export class KeyUsageRecorder {
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly options: KeyUsageRecorderOptions) {}

  note(keyId: string, at: Date = new Date()): void {
    const known = this.pending.get(keyId);
    if (!known || known < at) this.pending.set(keyId, at);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.intervalMs);
    // Shutdown flushes explicitly; the timer alone must not keep the process alive.
    this.timer.unref();
  }

  /** Writes what is pending; flushes never overlap, and a failed batch is kept for the next one. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await recordApiKeyUsage(
        this.options.prisma,
        [...batch].map(([keyId, usedAt]) => ({ keyId, usedAt })),
      );
    } catch (err) {
      for (const [keyId, usedAt] of batch) this.note(keyId, usedAt);
      this.options.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) }, keys: batch.size }, "could not record API key usage; will retry");
    }
  }
}
