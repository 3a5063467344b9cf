import { Prisma } from "./client.ts";

/** P2025: the row an update/delete targeted does not exist; P2003: a foreign key points nowhere. */
export function isPrismaError(err: unknown, code: "P2025" | "P2003" | "P2002"): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === code;
}

// SQLSTATEs after which the whole transaction may simply run again: serialization failure, deadlock.
const RETRYABLE_SQLSTATES = new Set(["40001", "40P01"]);

/**
 * True when Postgres aborted the transaction for a serialization failure or a deadlock, however
 * Prisma surfaced it: P2034 from a model query, P2010 from a raw one, or the driver adapter's
 * error (its cause carries the SQLSTATE) when it escapes unwrapped, e.g. from COMMIT.
 */
export function isTransactionConflict(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === "P2034") return true;
    return driverConflict((err.meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError);
  }
  return driverConflict(err);
}

function driverConflict(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const cause = (err as { cause?: { kind?: unknown; originalCode?: unknown } }).cause;
  if (cause === undefined || cause === null) return false;
  return cause.kind === "TransactionWriteConflict" || (typeof cause.originalCode === "string" && RETRYABLE_SQLSTATES.has(cause.originalCode));
}
