/** How a batch whose write throws is answered. */
export type BatchFailure =
  /** Every entry of the batch is rejected with the error (the write is all or nothing). */
  | "reject-all"
  /** The batch is written again entry by entry, so one bad entry never fails its neighbours. */
  | "split";

export interface TurnBatcherOptions<T, R> {
  /** Writes one batch; answers one result per entry, in order. */
  write: (entries: T[]) => Promise<R[]>;
  /** Entries one write takes at most (bounds one statement's or script's arguments and run time). */
  maxBatch: number;
  onFailure: BatchFailure;
}

export interface TurnBatcher<T, R> {
  /** Resolves with this entry's result once the write that took it has finished. */
  add(entry: T): Promise<R>;
}

interface Waiting<T, R> {
  entry: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces entries into as few writes as the load needs: the entries added in one event-loop
 * turn go in one write, and whatever arrives while a write is in flight waits for the next one.
 * At rest each entry is written on the next turn; under load one round trip serves many. Writes
 * run one at a time, in the order their entries were added.
 */
export function createTurnBatcher<T, R>(options: TurnBatcherOptions<T, R>): TurnBatcher<T, R> {
  const waiting: Waiting<T, R>[] = [];
  let writing = false;

  const write = async (batch: Waiting<T, R>[]): Promise<void> => {
    let results: R[];
    try {
      results = await options.write(batch.map((w) => w.entry));
    } catch (err) {
      if (options.onFailure === "split" && batch.length > 1) {
        for (const w of batch) await write([w]);
        return;
      }
      for (const w of batch) w.reject(err);
      return;
    }
    // A write that went through but miscounted is never written again (that could write its entries twice).
    if (results.length !== batch.length) {
      const err = new Error(`a batch write answered ${results.length} results for ${batch.length} entries`);
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]!));
  };

  const drain = async (): Promise<void> => {
    try {
      while (waiting.length > 0) await write(waiting.splice(0, options.maxBatch));
    } finally {
      writing = false;
    }
  };

  return {
    add: (entry) =>
      new Promise<R>((resolve, reject) => {
        waiting.push({ entry, resolve, reject });
        if (writing) return;
        writing = true;
        // After this turn's I/O callbacks: entries that arrived together are written together.
        setImmediate(() => void drain());
      }),
  };
}
