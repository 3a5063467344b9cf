import type { Prisma, WebhookEndpoint, Db } from "../client.ts";

export interface WebhookEndpointChanges {
  url?: string;
  events?: string[];
  description?: string | null;
  enabled?: boolean;
}

/** Applies the changes; re-enabling forgets why it was disabled and how long it had been failing. Null if absent. */
export async function updateWebhookEndpoint(
  prisma: Db,
  workspaceId: string,
  id: string,
  changes: WebhookEndpointChanges,
): Promise<WebhookEndpoint | null> {
  const data: Prisma.WebhookEndpointUpdateManyMutationInput = {};
  if (changes.url !== undefined) data.url = changes.url;
  if (changes.events !== undefined) data.events = changes.events;
  if (changes.description !== undefined) data.description = changes.description;
  if (changes.enabled !== undefined) {
    data.enabled = changes.enabled;
    data.disabledReason = changes.enabled ? null : "disabled by the workspace";
    if (changes.enabled) data.failingSince = null;
  }
  const updated = await prisma.webhookEndpoint.updateMany({ where: { id, workspaceId }, data });
  return updated.count === 0 ? null : prisma.webhookEndpoint.findFirst({ where: { id, workspaceId } });
}
