import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createAgentBody, createTaskBody, createWebhookBody, listAgentsQuery, quickBatchBody, quickCrawlBody, quickScrapeBody, SCRAPE_FORMATS } from "@browserfleet/core";
import { createBrowserfleetMcpServer } from "../src/index.ts";

/** Each tool and the API body its arguments are sent as (the tool's own fields, such as wait_seconds, aside). */
const SENT_AS: Record<string, { schema: z.ZodType; own?: string[] }> = {
  scrape: { schema: quickScrapeBody },
  batch_scrape: { schema: quickBatchBody, own: ["wait_seconds"] },
  crawl: { schema: quickCrawlBody, own: ["wait_seconds"] },
  run_task: { schema: createTaskBody, own: ["wait_seconds"] },
  create_webhook: { schema: createWebhookBody },
  create_agent: { schema: createAgentBody },
  list_identities: { schema: listAgentsQuery },
};

type Property = { type?: unknown; enum?: unknown[]; items?: { enum?: unknown[] } };

describe("the MCP tools' input schemas", () => {
  it("name only fields the API takes, with the same types and no value the API would refuse", async () => {
    const server = createBrowserfleetMcpServer({ apiUrl: "http://127.0.0.1:9", apiKey: "agt_live_00000000000000000000000000000000", llmApiKey: null });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "schema-test", version: "1.0.0" });
    await client.connect(clientSide);
    const { tools } = await client.listTools();
    for (const [name, { schema, own = [] }] of Object.entries(SENT_AS)) {
      const tool = tools.find((t) => t.name === name);
      expect(tool, name).toBeDefined();
      const api = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties: Record<string, Property> };
      for (const [field, property] of Object.entries((tool!.inputSchema.properties ?? {}) as Record<string, Property>)) {
        if (own.includes(field)) continue;
        const expected = api.properties[field];
        expect(expected, `${name}.${field} is not a field of the API's body`).toBeDefined();
        if (property.type !== undefined && expected!.type !== undefined) expect(property.type, `${name}.${field}`).toEqual(expected!.type);
        for (const value of property.enum ?? []) if (expected!.enum) expect(expected!.enum, `${name}.${field}`).toContain(value);
        // The API ignores formats it does not know: the tools offer only the ones it renders.
        const known = field === "formats" ? SCRAPE_FORMATS : expected!.items?.enum;
        for (const value of property.items?.enum ?? []) if (known) expect(known, `${name}.${field}[]`).toContain(value);
      }
    }
    await client.close();
  });
});
