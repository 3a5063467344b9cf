import { ApiError, MAX_WEBHOOKS_PER_WORKSPACE } from "@browserfleet/core";
import type { WebhookEndpoint, Db } from "../client.ts";

export interface CreateWebhookEndpointOptions {
  workspaceId: string;
  url: string;
  events: string[];
  description?: string;
}

/** One endpoint; the workspace row is locked while counting so concurrent creates cannot pass the cap together. */
export async function createWebhookEndpoint(prisma: Db, options: CreateWebhookEndpointOptions): Promise<WebhookEndpoint> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM workspaces WHERE id = ${options.workspaceId}::uuid FOR UPDATE`;
    const count = await tx.webhookEndpoint.count({ where: { workspaceId: options.workspaceId } });
    if (count >= MAX_WEBHOOKS_PER_WORKSPACE) {
      throw new ApiError("BAD_REQUEST", `a workspace has at most ${MAX_WEBHOOKS_PER_WORKSPACE} webhooks; delete one first`, {
        details: [{ path: "url", message: `limit of ${MAX_WEBHOOKS_PER_WORKSPACE} webhooks reached` }],
      });
    }
    return tx.webhookEndpoint.create({
      data: { workspaceId: options.workspaceId, url: options.url, events: options.events, description: options.description ?? null },
    });
  });
}
