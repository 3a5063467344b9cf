import { z } from "zod";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Client } from "@browserfleet/sdk";
import { guarded, toolResult } from "../tool-result.ts";

const agentId = z.string().regex(/^agt_[0-9a-f]{20}$/).describe("agt_ and 20 lowercase hex");

/** list_identities, create_agent, destroy_agent: browser identities driven over CDP. */
export function registerAgentTools(server: McpServer, client: Client): void {
  server.registerTool(
    "list_identities",
    {
      title: "List browser identities",
      description: "The workspace's agents (browser identities): burner and persistent, with their status, OS, country and trust score.",
      inputSchema: { status: z.enum(["queued", "running", "stopped", "destroyed", "failed"]).optional(), mode: z.enum(["burner", "persistent"]).optional() },
    },
    (args) =>
      guarded(async () => {
        const agents = [];
        for await (const agent of client.iterAgents(args as never)) {
          agents.push(agent);
          if (agents.length >= 200) break;
        }
        return toolResult(`${agents.length} identit${agents.length === 1 ? "y" : "ies"}`, { agents });
      }),
  );

  server.registerTool(
    "create_agent",
    {
      title: "Start a browser",
      description: "Start a dedicated browser (an agent) and return its cdp_url for Playwright connectOverCDP or Puppeteer, and a live_url to watch it.",
      inputSchema: {
        mode: z.enum(["burner", "persistent"]).optional(),
        ttl_seconds: z.number().int().min(60).max(3600).optional(),
        initial_url: z.string().url().optional(),
        os_type: z.enum(["OS_TYPE_MACOS", "OS_TYPE_WINDOWS", "OS_TYPE_LINUX"]).optional(),
        country: z.string().length(2).optional(),
        persona: z.string().max(200).optional(),
      },
    },
    (args) =>
      guarded(async () => {
        const agent = await client.createAgent(args as never);
        return toolResult(`agent ${agent.id} is ${agent.status}; connect to ${agent.cdp_url}`, agent);
      }),
  );

  server.registerTool("destroy_agent", { title: "End a browser", description: "End an agent (a persistent one's profile is deleted too).", inputSchema: { agent_id: agentId } }, ({ agent_id }) =>
    guarded(async () => {
      await client.deleteAgent(agent_id);
      return toolResult(`agent ${agent_id} destroyed`, { destroyed: agent_id });
    }),
  );
}
