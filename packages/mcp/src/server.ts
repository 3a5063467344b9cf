import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Client } from "@browserfleet/sdk";
import type { McpSettings } from "./settings.ts";
import { registerAccountTools } from "./tools/account-tools.ts";
import { registerAgentTools } from "./tools/agent-tools.ts";
import { registerJobTools } from "./tools/job-tools.ts";
import { registerPageTools } from "./tools/page-tools.ts";

export const SERVER_NAME = "browserfleet";
export const SERVER_VERSION = "0.1.0";

/** The MCP server with every tool, calling the API through the TypeScript SDK. */
export function createBrowserfleetMcpServer(settings: McpSettings, options: { fetch?: typeof fetch } = {}): McpServer {
  const client = new Client({ apiKey: settings.apiKey, baseUrl: settings.apiUrl, headers: { "user-agent": `browserfleet-mcp/${SERVER_VERSION}` }, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const server = new McpServer({ name: SERVER_NAME, version: SERVER_VERSION });
  registerPageTools(server, client);
  registerJobTools(server, client, settings);
  registerAccountTools(server, client);
  registerAgentTools(server, client);
  return server;
}
