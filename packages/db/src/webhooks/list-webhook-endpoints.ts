import type { ListCursor } from "@browserfleet/core";
import type { Prisma, WebhookEndpoint, Db } from "../client.ts";
import { NEWEST_FIRST, afterCursor, keysetPage } from "../paging/keyset-page.ts";

/** A workspace's endpoints, newest first, keyset-paged like every other list. */
export async function listWebhookEndpoints(
  prisma: Db,
  input: { workspaceId: string; limit: number; after?: ListCursor },
): Promise<{ items: WebhookEndpoint[]; next: ListCursor | null }> {
  const where: Prisma.WebhookEndpointWhereInput = { workspaceId: input.workspaceId };
  if (input.after) where.OR = afterCursor(input.after);
  const rows = await prisma.webhookEndpoint.findMany({ where, orderBy: NEWEST_FIRST, take: input.limit + 1 });
  return keysetPage(rows, input.limit);
}
