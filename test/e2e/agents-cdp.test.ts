import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import puppeteer from "puppeteer-core";
import { startAgentSite, type AgentSite } from "../support/agent-site.ts";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

type Agent = { id: string; status: string; cdp_url: string; cdp_http: string; live_url: string; session_id: string; cost_credits: number; ended_reason: string | null };

let stack: TestStack<ApiHandle>;
let site: AgentSite;
let client: ReturnType<typeof apiClient>;

beforeAll(async () => {
  [stack, site] = await Promise.all([
    startTestStack({ api: "in-process", workers: 1, env: { WORKER_AGENT_SLOTS: "4", AGENT_WARM_POOL: "1" } }),
    startAgentSite(),
  ]);
  client = apiClient(stack.apiUrl, (await stack.newWorkspace("agents")).apiKey);
});

afterAll(async () => {
  await Promise.all([stack?.stop(), site?.close()]);
});

const createAgent = async (body: Record<string, unknown> = {}): Promise<Agent> => {
  const res = await client.post<Agent>("/v1/agents", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

describe("CDP clients attach to a burner through the gateway", () => {
  it("Playwright connectOverCDP(cdp_url) sees one context with one page at initial_url, navigates, fills a form, takes a screenshot", async () => {
    const agent = await createAgent({ initial_url: `${site.origin}/form` });
    expect(agent.status).toBe("running");
    const browser = await chromium.connectOverCDP(agent.cdp_url);
    try {
      expect(browser.contexts()).toHaveLength(1);
      const pages = browser.contexts()[0]!.pages();
      expect(pages).toHaveLength(1);
      const page = pages[0]!;
      expect(page.url()).toBe(`${site.origin}/form`);
      await page.fill("#name", "Ada");
      await page.click("#go");
      await expect.poll(() => page.textContent("#out")).toBe("Hello Ada");
      await page.goto(`${site.origin}/page/3`);
      expect(await page.title()).toBe("Page 3");
      const png = await page.screenshot({ fullPage: true });
      expect(png.subarray(1, 4).toString()).toBe("PNG");
    } finally {
      await browser.close();
    }
    expect((await client.call("DELETE", `/v1/agents/${agent.id}`)).status).toBe(204);
  });

  it("connectOverCDP(cdp_http) and puppeteer-core connect({browserWSEndpoint}) both work, at once", async () => {
    const agent = await createAgent({ initial_url: `${site.origin}/` });
    const viaHttp = await chromium.connectOverCDP(agent.cdp_http);
    const viaPuppeteer = await puppeteer.connect({ browserWSEndpoint: agent.cdp_url, defaultViewport: null });
    try {
      const pwPage = viaHttp.contexts()[0]!.pages()[0]!;
      expect(await pwPage.title()).toBe("Agent home");
      const ppPages = (await viaPuppeteer.pages()).filter((p) => p.url().startsWith(site.origin));
      expect(ppPages).toHaveLength(1);
      await ppPages[0]!.click("#next");
      await expect.poll(() => pwPage.title()).toBe("Page 1");
    } finally {
      await viaPuppeteer.disconnect();
      await viaHttp.close();
    }
    expect((await client.call("DELETE", `/v1/agents/${agent.id}`)).status).toBe(204);
  });

  it("DELETE mid-use closes the client's connection with a close code and reason", async () => {
    const agent = await createAgent();
    const browser = await chromium.connectOverCDP(agent.cdp_url);
    const disconnected = new Promise<void>((resolve) => browser.on("disconnected", () => resolve()));
    expect((await client.call("DELETE", `/v1/agents/${agent.id}`)).status).toBe(204);
    await disconnected;
    const after = await client.get<Agent>(`/v1/agents/${agent.id}`);
    expect(after.body).toMatchObject({ status: "destroyed", ended_reason: "client" });
    expect((await client.call("DELETE", `/v1/agents/${agent.id}`)).status).toBe(204);
  });
});
