import { createTurnBatcher } from "@browserfleet/core";
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
  const batcher = createTurnBatcher<DeliveredAttempt, DeliveredOutcome>({
    maxBatch: MAX_BATCH,
    onFailure: "split",
    write: async (attempts) => {
      const owned = await recordDeliveredAttempts(driver, attempts);
      return attempts.map((a) => (owned.has(a.taskId) ? "delivered" : "lease_lost"));
    },
  });
  return { record: (attempt) => batcher.add(attempt) };
}
