import type { CreditLedgerEntry, Tx } from "../client.ts";

export interface CreditMove {
  workspaceId: string;
  /** Positive adds credits, negative takes them; a debit applies only while the balance covers it. */
  delta: number;
  reason: string;
  jobId?: string;
  agentId?: string;
}

/**
 * The one way the balance changes: an atomic SQL increment plus the ledger row carrying the
 * balance it produced, inside the caller's transaction, so the ledger always sums to the balance.
 * Null when the workspace does not exist or cannot cover a debit. The workspace row is the last
 * lock a transaction on an existing job takes (lock-job.ts): lock the job before moving its credits.
 */
export async function moveCredits(tx: Tx, move: CreditMove): Promise<{ balance: number; entry: CreditLedgerEntry } | null> {
  const rows = await tx.$queryRaw<{ credit_balance: number }[]>`
    UPDATE workspaces SET credit_balance = credit_balance + ${move.delta}, updated_at = now()
    WHERE id = ${move.workspaceId}::uuid AND credit_balance + ${move.delta} >= 0
    RETURNING credit_balance`;
  const balance = rows[0]?.credit_balance;
  if (balance === undefined) return null;
  const entry = await tx.creditLedgerEntry.create({
    data: { workspaceId: move.workspaceId, delta: move.delta, balanceAfter: balance, reason: move.reason, jobId: move.jobId ?? null, agentId: move.agentId ?? null },
  });
  return { balance, entry };
}
