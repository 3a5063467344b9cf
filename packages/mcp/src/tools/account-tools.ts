import { z } from "zod";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Client } from "@browserfleet/sdk";
import { guarded, toolResult } from "../tool-result.ts";

const EVENTS = ["job.completed", "job.failed", "job.cancelled", "job.input_required", "webhook.test", "agent.provisioned", "agent.destroyed", "agent.failed", "agent.session.started", "agent.session.ended", "agent.renewed", "agent.renewal_failed"] as const;

/** credits and the webhook tools. */
export function registerAccountTools(server: McpServer, client: Client): void {
  server.registerTool("credits", { title: "Credit balance", description: "The workspace's credit balance and the price of each unit of work.", inputSchema: {} }, () =>
    guarded(async () => {
      const credits = await client.getCredits();
      return toolResult(`${credits.balance} credits`, credits);
    }),
  );

  server.registerTool("list_webhooks", { title: "List webhooks", description: "The workspace's webhook endpoints.", inputSchema: {} }, () =>
    guarded(async () => {
      const webhooks = [];
      for await (const webhook of client.iterWebhooks()) webhooks.push(webhook);
      return toolResult(`${webhooks.length} webhook endpoint(s)`, { webhooks });
    }),
  );

  server.registerTool(
    "create_webhook",
    {
      title: "Create a webhook",
      description: "Register an https URL to receive signed events (job.completed, job.failed, …; all when events is empty).",
      inputSchema: { url: z.string().url(), events: z.array(z.enum(EVENTS)).optional(), description: z.string().max(500).optional() },
    },
    (args) =>
      guarded(async () => {
        const webhook = await client.createWebhook(args as never);
        return toolResult(`webhook ${webhook.id} created for ${webhook.url}`, webhook);
      }),
  );

  server.registerTool(
    "delete_webhook",
    { title: "Delete a webhook", description: "Remove a webhook endpoint.", inputSchema: { webhook_id: z.string().uuid() } },
    ({ webhook_id }) =>
      guarded(async () => {
        await client.deleteWebhook(webhook_id);
        return toolResult(`webhook ${webhook_id} deleted`, { deleted: webhook_id });
      }),
  );
}
