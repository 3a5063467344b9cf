import { recordDeliveredAttempts, type DeliveredAttempt, type DriverPool } from "@browserfleet/db";

export type DeliveredOutcome = "delivered" | "lease_lost";

export interface DeliveredRecorder {
  /** Resolves once the attempt is committed: "delivered", or "lease_lost" when the task was no longer ours. */
  record(attempt: DeliveredAttempt): Promise<DeliveredOutcome>;
}

/** One statement's worth at most: bounds the arrays sent and the locks one commit holds. */
const MAX_BATCH = 256;

/**
 * Delivered attempts are written together: whatever finished while the previous write was in
 * flight goes in the next one statement, so under load one round trip records many attempts and
 * at rest each is written at once. A batch that fails (a deadlock with a claim over a lost lease,
 * a bad row) is written again attempt by attempt, so one attempt never fails its neighbours.
 */
export function createDeliveredRecorder(driver: DriverPool): DeliveredRecorder {
  const waiting: { attempt: DeliveredAttempt; resolve: (o: DeliveredOutcome) => void; reject: (err: unknown) => void }[] = [];
  let writing = false;

  const write = async (batch: typeof waiting): Promise<void> => {
    try {
      const owned = await recordDeliveredAttempts(driver, batch.map((w) => w.attempt));
      for (const w of batch) w.resolve(owned.has(w.attempt.taskId) ? "delivered" : "lease_lost");
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      await Promise.all(batch.map((w) => write([w])));
    }
  };

  const drain = async (): Promise<void> => {
    try {
      while (waiting.length > 0) await write(waiting.splice(0, MAX_BATCH));
    } finally {
      writing = false;
    }
  };

  return {
    record: (attempt) =>
      new Promise<DeliveredOutcome>((resolve, reject) => {
        waiting.push({ attempt, resolve, reject });
        if (writing) return;
        writing = true;
        // After this turn's I/O callbacks: answers that arrived together are written together.
        setImmediate(() => void drain());
      }),
  };
}
