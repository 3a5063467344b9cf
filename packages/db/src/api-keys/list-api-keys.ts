import type { ListCursor } from "@browserfleet/core";
import type { Prisma, Db } from "../client.ts";
import { NEWEST_FIRST, afterCursor, keysetPage } from "../paging/keyset-page.ts";

/** What GET /v1/keys shows of a key: never its hash. */
export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A workspace's keys, revoked ones included, newest first, keyset-paged on (created_at, id). */
export async function listApiKeys(
  prisma: Db,
  input: { workspaceId: string; limit: number; after?: ListCursor },
): Promise<{ keys: ApiKeySummary[]; next: ListCursor | null }> {
  const where: Prisma.ApiKeyWhereInput = { workspaceId: input.workspaceId };
  if (input.after) where.OR = afterCursor(input.after);
  const rows = await prisma.apiKey.findMany({
    where,
    orderBy: NEWEST_FIRST,
    take: input.limit + 1,
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
  const page = keysetPage(rows, input.limit);
  return { keys: page.items, next: page.next };
}
