import { setTimeout as sleep } from "node:timers/promises";
import type { Db, Tx } from "../client.ts";
import { isTransactionConflict } from "../prisma-errors.ts";

export interface RunTransactionOptions {
  /** Runs of `fn` at most, the first included (default 5). */
  maxTries?: number;
  /** Upper bound of the first backoff, doubled per retry (default 20 ms); each wait is random below it. */
  baseDelayMs?: number;
}

const MAX_DELAY_MS = 500;

/**
 * An interactive transaction that runs again when Postgres aborts it for a serialization failure
 * or a deadlock (SQLSTATE 40001/40P01), a bounded number of times with full jitter, so two
 * colliding callers do not collide again in step. `fn` must only touch the database: a retry
 * runs all of it again from the start. Any other error, and the last conflict, is thrown.
 */
export async function runTransaction<T>(prisma: Db, fn: (tx: Tx) => Promise<T>, options: RunTransactionOptions = {}): Promise<T> {
  const maxTries = options.maxTries ?? 5;
  const base = options.baseDelayMs ?? 20;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await prisma.$transaction(fn);
    } catch (err) {
      if (attempt >= maxTries || !isTransactionConflict(err)) throw err;
      await sleep(Math.random() * Math.min(MAX_DELAY_MS, base * 2 ** (attempt - 1)));
    }
  }
}
