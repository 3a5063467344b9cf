import { ApiError } from "@browserfleet/core";
import type { CreditLedgerEntry, PrismaClient } from "../generated/prisma/client.ts";
import { requireWorkspaceId, workspaceNotFound } from "../workspaces/require-workspace-id.ts";

// credit_balance is a Postgres integer; one grant may not push it near the 2^31 ceiling.
export const MAX_GRANT = 1_000_000_000;

export interface GrantCreditsOptions {
  workspaceId: string;
  amount: number;
  reason?: string;
}

export interface GrantedCredits {
  balance: number;
  entry: CreditLedgerEntry;
}

/** Adds credits: one atomic increment plus the ledger row carrying the balance it produced. */
export async function grantCredits(
  prisma: PrismaClient,
  { workspaceId, amount, reason = "grant" }: GrantCreditsOptions,
): Promise<GrantedCredits> {
  requireWorkspaceId(workspaceId);
  if (!Number.isInteger(amount) || amount < 1 || amount > MAX_GRANT) {
    throw new ApiError("BAD_REQUEST", `amount must be an integer from 1 to ${MAX_GRANT}, got ${amount}`);
  }
  return prisma.$transaction(async (tx) => {
    // Incrementing in SQL (not read-modify-write) keeps concurrent grants and charges from losing updates.
    const rows = await tx.$queryRaw<{ credit_balance: number }[]>`
      UPDATE workspaces SET credit_balance = credit_balance + ${amount}, updated_at = now()
      WHERE id = ${workspaceId}::uuid
      RETURNING credit_balance`;
    const balance = rows[0]?.credit_balance;
    if (balance === undefined) throw workspaceNotFound(workspaceId);
    const entry = await tx.creditLedgerEntry.create({
      data: { workspaceId, delta: amount, balanceAfter: balance, reason },
    });
    return { balance, entry };
  });
}
