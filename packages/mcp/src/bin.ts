#!/usr/bin/env node
// `npx @browserfleet/mcp` / `browserfleet-mcp`: the MCP server over stdio (stdout carries the protocol, so diagnostics go to stderr).
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createBrowserfleetMcpServer } from "./server.ts";
import { settingsFromEnv } from "./settings.ts";

try {
  const server = createBrowserfleetMcpServer(settingsFromEnv());
  await server.connect(new StdioServerTransport());
  process.stderr.write("browserfleet-mcp: ready on stdio\n");
} catch (err) {
  process.stderr.write(`browserfleet-mcp: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
