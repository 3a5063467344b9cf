import { writeOutboxEvent } from "./write-outbox-event.ts";
import type { Db } from "../client.ts";

/**
 * `POST /v1/webhooks/{id}/ping`: a webhook.test event addressed to this one endpoint only,
 * so it is fanned out at birth (one task) and never reaches the workspace's other endpoints.
 * Null when the endpoint is not this workspace's.
 */
export async function queueTestEvent(prisma: Db, workspaceId: string, endpointId: string): Promise<{ eventId: string } | null> {
  return prisma.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findFirst({ where: { id: endpointId, workspaceId }, select: { id: true } });
    if (!endpoint) return null;
    const eventId = await writeOutboxEvent(tx, {
      workspaceId,
      type: "webhook.test",
      data: { message: "This is a test delivery from browserfleet.", webhook_id: endpointId },
      fannedOutAt: new Date(),
    });
    await tx.webhookTask.create({ data: { eventId, endpointId } });
    return { eventId };
  });
}
