import type { ListCursor } from "@browserfleet/core";
import type { Prisma, WebhookDelivery, Db } from "../client.ts";

/** One endpoint's attempts, newest first, keyset-paged on (delivered_at, id). */
export async function listWebhookDeliveries(
  prisma: Db,
  input: { endpointId: string; limit: number; after?: ListCursor },
): Promise<{ items: WebhookDelivery[]; next: ListCursor | null }> {
  const where: Prisma.WebhookDeliveryWhereInput = { endpointId: input.endpointId };
  if (input.after) {
    where.OR = [{ deliveredAt: { lt: input.after.createdAt } }, { deliveredAt: input.after.createdAt, id: { lt: input.after.id } }];
  }
  const rows = await prisma.webhookDelivery.findMany({
    where,
    orderBy: [{ deliveredAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
  });
  const items = rows.slice(0, input.limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > input.limit && last ? { createdAt: last.deliveredAt, id: last.id } : null };
}
