import { describe, expect, it } from "vitest";
import { API_ROUTE_DOCS } from "@browserfleet/core";
import { Client } from "../src/index.ts";
import { generateOpenApiTypes } from "../scripts/openapi-types.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Each authenticated route of the API and the SDK method that calls it (aliases share one). */
const METHOD_OF: Record<string, string> = {
  quickScrape: "scrape",
  quickScreenshot: "screenshot",
  quickExtract: "extract",
  quickBatch: "batch",
  quickCrawl: "crawl",
  listJobs: "listJobs",
  getJob: "getJob",
  getJobStatus: "getJobStatus",
  listJobResults: "listResults",
  cancelJob: "cancelJob",
  createTask: "createTask",
  autoRoute: "auto",
  listTaskSteps: "listTaskSteps",
  respondToJob: "respondToJob",
  getCredits: "getCredits",
  listCreditLedger: "listLedger",
  getUsage: "getUsage",
  createKey: "createKey",
  listKeys: "listKeys",
  revokeKey: "revokeKey",
  createWebhook: "createWebhook",
  listWebhooks: "listWebhooks",
  getWebhookSigningSecret: "getSigningSecret",
  rotateWebhookSigningSecret: "rotateSigningSecret",
  getWebhook: "getWebhook",
  updateWebhook: "updateWebhook",
  deleteWebhook: "deleteWebhook",
  pingWebhook: "pingWebhook",
  testWebhook: "pingWebhook",
  listWebhookDeliveries: "listDeliveries",
  createAgent: "createAgent",
  listAgents: "listAgents",
  getAgent: "getAgent",
  deleteAgent: "deleteAgent",
  getAgentCdp: "getAgentCdp",
  openAgentSession: "createAgentSession",
  listAgentSessions: "listAgentSessions",
  endAgentSession: "deleteAgentSession",
  getAgentFingerprint: "getFingerprint",
  getAgentDetectionSignal: "getDetectionSignal",
  getAgentTrust: "getTrust",
  createAgentPreviewToken: "createPreviewToken",
  screenshotAgent: "agentScreenshot",
};

/** Methods beyond one per route: the long-poll and the iterators. */
const EXTRAS = ["waitForJob", "iterJobs", "iterResults", "iterLedger", "iterDeliveries", "iterTaskSteps", "iterAgents", "iterAgentSessions", "iterKeys", "iterWebhooks"];

describe("the SDK's surface", () => {
  it("has a method for every authenticated route the API documents", () => {
    const routes = API_ROUTE_DOCS.filter((doc) => doc.auth);
    const missing = routes.filter((doc) => METHOD_OF[doc.operationId] === undefined).map((doc) => `${doc.method} ${doc.path} (${doc.operationId})`);
    expect(missing).toEqual([]);
    const client = new Client({ apiKey: "agt_live_00000000000000000000000000000000" }) as unknown as Record<string, unknown>;
    for (const method of new Set(Object.values(METHOD_OF))) expect(typeof client[method], method).toBe("function");
    for (const extra of EXTRAS) expect(typeof client[extra], extra).toBe("function");
  });

  it("is the Python SDK's too, in snake_case", () => {
    const python = readFileSync(join(import.meta.dirname, "..", "..", "..", "sdks", "python", "src", "browserfleet", "client.py"), "utf8");
    const defined = new Set([...python.matchAll(/^ {4}def ([a-z][a-z0-9_]*)\(/gm)].map((m) => m[1]));
    const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const missing = [...new Set([...Object.values(METHOD_OF), ...EXTRAS])].map(snake).filter((name) => !defined.has(name));
    expect(missing).toEqual([]);
  });

  it("its types are generated from the API's current OpenAPI document (run `npm run -w packages/sdk generate` after changing a schema)", async () => {
    const committed = readFileSync(join(import.meta.dirname, "..", "src", "generated", "openapi.ts"), "utf8");
    expect(committed === (await generateOpenApiTypes()), "packages/sdk/src/generated/openapi.ts is stale").toBe(true);
  });
});
