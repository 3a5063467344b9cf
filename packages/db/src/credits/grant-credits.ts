import { ApiError } from "@browserfleet/core";
import type { CreditLedgerEntry, Db } from "../client.ts";
import { moveCredits } from "./move-credits.ts";
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
  prisma: Db,
  { workspaceId, amount, reason = "grant" }: GrantCreditsOptions,
): Promise<GrantedCredits> {
  requireWorkspaceId(workspaceId);
  if (!Number.isInteger(amount) || amount < 1 || amount > MAX_GRANT) {
    throw new ApiError("BAD_REQUEST", `amount must be an integer from 1 to ${MAX_GRANT}, got ${amount}`);
  }
  return prisma.$transaction(async (tx) => {
    const moved = await moveCredits(tx, { workspaceId, delta: amount, reason });
    if (!moved) throw workspaceNotFound(workspaceId);
    return moved;
  });
}
