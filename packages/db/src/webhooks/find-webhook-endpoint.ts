import type { WebhookEndpoint, Db } from "../client.ts";

/** An endpoint of this workspace, or null (another workspace's id is as absent as a made-up one). */
export async function findWebhookEndpoint(prisma: Db, workspaceId: string, id: string): Promise<WebhookEndpoint | null> {
  return prisma.webhookEndpoint.findFirst({ where: { id, workspaceId } });
}
