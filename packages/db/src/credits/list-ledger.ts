import type { ListCursor } from "@browserfleet/core";
import type { CreditLedgerEntry, Prisma, Db } from "../client.ts";
import { NEWEST_FIRST, afterCursor, keysetPage } from "../paging/keyset-page.ts";

/** A workspace's ledger, newest first, keyset-paged on (created_at, id) like the job list. */
export async function listLedger(
  prisma: Db,
  input: { workspaceId: string; limit: number; after?: ListCursor },
): Promise<{ entries: CreditLedgerEntry[]; next: ListCursor | null }> {
  const where: Prisma.CreditLedgerEntryWhereInput = { workspaceId: input.workspaceId };
  if (input.after) {
    where.OR = afterCursor(input.after);
  }
  const rows = await prisma.creditLedgerEntry.findMany({ where, orderBy: NEWEST_FIRST, take: input.limit + 1 });
  const page = keysetPage(rows, input.limit);
  return { entries: page.items, next: page.next };
}

export async function findCreditBalance(prisma: Db, workspaceId: string): Promise<number> {
  const ws = await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { creditBalance: true } });
  return ws.creditBalance;
}
