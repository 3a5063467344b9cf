import { grantCredits, type PrismaClient } from "@browserfleet/db";
import type { CliIo } from "../cli-io.ts";

export async function runCreditsGrant(
  prisma: PrismaClient,
  io: CliIo,
  cmd: { workspaceId: string; amount: number; reason: string; json: boolean },
): Promise<void> {
  const { balance, entry } = await grantCredits(prisma, { workspaceId: cmd.workspaceId, amount: cmd.amount, reason: cmd.reason });
  if (cmd.json) {
    io.out(JSON.stringify({ workspace_id: cmd.workspaceId, delta: entry.delta, balance, ledger_entry_id: entry.id }));
    return;
  }
  io.out(`granted ${entry.delta} credits to workspace ${cmd.workspaceId}; balance is now ${balance}`);
}
