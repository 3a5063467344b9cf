import type { Db } from "../client.ts";

/** Deletes the endpoint with its pending tasks and delivery log; false if this workspace has no such endpoint. */
export async function deleteWebhookEndpoint(prisma: Db, workspaceId: string, id: string): Promise<boolean> {
  const deleted = await prisma.webhookEndpoint.deleteMany({ where: { id, workspaceId } });
  return deleted.count > 0;
}
