import { ApiError, newSigningSecret } from "@browserfleet/core";
import { insertApiKey, type CreatedApiKey } from "../api-keys/insert-api-key.ts";
import type { Workspace, Db } from "../client.ts";

export interface CreateWorkspaceOptions {
  name: string;
  /** Signup grant, recorded in the ledger so the ledger always sums to the balance. */
  initialCredits?: number;
}

export interface CreatedWorkspace {
  workspace: Workspace;
  apiKey: CreatedApiKey;
}

/** Workspace, signup credits (balance + ledger row) and a first "default" key, all or nothing. */
export async function createWorkspace(
  prisma: Db,
  { name, initialCredits = 100 }: CreateWorkspaceOptions,
): Promise<CreatedWorkspace> {
  const trimmed = name.trim();
  if (!trimmed) throw new ApiError("BAD_REQUEST", "workspace name must not be empty");
  if (!Number.isSafeInteger(initialCredits) || initialCredits < 0) {
    throw new ApiError("BAD_REQUEST", "initialCredits must be a non-negative integer");
  }
  return prisma.$transaction(async (tx) => {
    const workspace = await tx.workspace.create({
      data: { name: trimmed, signingSecret: newSigningSecret(), creditBalance: initialCredits },
    });
    // A zero grant would be a ledger row that explains nothing.
    if (initialCredits > 0) {
      await tx.creditLedgerEntry.create({
        data: { workspaceId: workspace.id, delta: initialCredits, balanceAfter: initialCredits, reason: "signup_grant" },
      });
    }
    const apiKey = await insertApiKey(tx, workspace.id, "default");
    return { workspace, apiKey };
  });
}
