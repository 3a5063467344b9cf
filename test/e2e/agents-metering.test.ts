import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Page } from "playwright-core";
import { recordAgentSessionBytes } from "@browserfleet/db";
import { startAgentSite, type AgentSite } from "../support/agent-site.ts";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

type Agent = { id: string; status: string; cdp_url: string; session_id: string; bytes_up: number; bytes_down: number };
type Session = { id: string; status: string; cdp_url: string };
type Usage = { items: { date: string; bytes_up: number; bytes_down: number }[] };

/** Headers, TLS-free framing and Chromium's own requests (favicon) on top of the payload stay far below this. */
const slack = (n: number): number => 2 * n + 64 * 1024;

let stack: TestStack<ApiHandle>;
let site: AgentSite;
let client: ReturnType<typeof apiClient>;
/** Takes a POST, reads all of its body, answers how many bytes it read (CORS-open, so a page's fetch sees the answer). */
let sink: Server;
let sinkOrigin: string;

beforeAll(async () => {
  sink = createServer((req, res) => {
    let n = 0;
    req.on("data", (c: Buffer) => (n += c.length));
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/plain", "access-control-allow-origin": "*" });
      res.end(String(n));
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  sinkOrigin = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  [stack, site] = await Promise.all([
    // A short lease: the worker's tick (a third of it) writes the running sessions' bytes every second.
    startTestStack({ api: "in-process", workers: 1, env: { WORKER_AGENT_SLOTS: "2", AGENT_WARM_POOL: "1", AGENT_LEASE_MS: "3000" } }),
    startAgentSite(),
  ]);
  client = apiClient(stack.apiUrl, (await stack.newWorkspace("agents-metering")).apiKey);
});

afterAll(async () => {
  await Promise.all([stack?.stop(), site?.close(), new Promise<void>((resolve) => (sink ? sink.close(() => resolve()) : resolve()))]);
});

const createAgent = async (body: Record<string, unknown> = {}, as = client): Promise<Agent> => {
  const res = await as.post<Agent>("/v1/agents", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const getAgent = async (id: string, as = client): Promise<Agent> => (await as.get<Agent>(`/v1/agents/${id}`)).body;

/** Through the client's own CDP connection: loads a page of `down` bytes, then POSTs `up` bytes with fetch(). */
async function drive(agent: { cdp_url: string }, down: number, up: number): Promise<void> {
  const browser = await chromium.connectOverCDP(agent.cdp_url);
  try {
    const page = browser.contexts()[0]!.pages()[0]!;
    const answer = await page.goto(`${site.origin}/bytes?n=${down}`);
    expect((await answer!.body()).length).toBe(down);
    await upload(page, up);
  } finally {
    await browser.close();
  }
}

/** POSTs `n` bytes with the page's fetch() to the sink, which answers how many it read. */
async function upload(page: Page, n: number): Promise<void> {
  const read = await page.evaluate(
    async ({ url, n }) => (await fetch(url, { method: "POST", body: "u".repeat(n), headers: { "content-type": "text/plain" } })).text(),
    { url: `${sinkOrigin}/upload`, n },
  );
  expect(Number(read)).toBe(n);
}

/** Uploads `n` more bytes and deletes the agent at once: what the last periodic write did not see must still count. */
async function uploadThenDelete(agent: Agent, n: number): Promise<void> {
  const browser = await chromium.connectOverCDP(agent.cdp_url);
  try {
    await upload(browser.contexts()[0]!.pages()[0]!, n);
  } finally {
    await browser.close();
  }
  expect((await client.call("DELETE", `/v1/agents/${agent.id}`)).status).toBe(204);
}

describe("egress is metered per agent at its own egress proxy", () => {
  it("two agents at once get their own counts, written while they run and at their end, and GET /v1/usage sums the day", async () => {
    // Sizes apart enough that either agent counting the other's traffic breaks its bounds.
    const a = { down: 400_000, up: 150_000 };
    const b = { down: 120_000, up: 300_000 };
    const [agentA, agentB] = await Promise.all([createAgent(), createAgent()]);
    await Promise.all([drive(agentA!, a.down, a.up), drive(agentB!, b.down, b.up)]);

    // While running: the worker's periodic write shows the bytes before any end.
    await expect.poll(async () => (await getAgent(agentA!.id)).bytes_down, { timeout: 10_000 }).toBeGreaterThanOrEqual(a.down);
    await expect.poll(async () => (await getAgent(agentB!.id)).bytes_up, { timeout: 10_000 }).toBeGreaterThanOrEqual(b.up);

    // A's last upload lands right before its DELETE, after the periodic write that showed its bytes above.
    const late = 100_000;
    a.up += late;
    await Promise.all([uploadThenDelete(agentA!, late), client.call("DELETE", `/v1/agents/${agentB!.id}`).then((r) => expect(r.status).toBe(204))]);
    await expect.poll(async () => (await getAgent(agentA!.id)).status, { timeout: 15_000 }).toBe("destroyed");
    await expect.poll(async () => (await getAgent(agentB!.id)).status, { timeout: 15_000 }).toBe("destroyed");

    // A burner's DELETE writes its end at once; the worker writes the browser's last bytes once it
    // has closed it (what it carried after the last periodic write must count too).
    const final = async (id: string, sent: { up: number; down: number }): Promise<Agent> => {
      await expect
        .poll(async () => {
          const agent = await getAgent(id);
          return agent.bytes_up >= sent.up && agent.bytes_down >= sent.down;
        }, { timeout: 15_000 })
        .toBe(true);
      return getAgent(id);
    };
    const endedA = await final(agentA!.id, a);
    const endedB = await final(agentB!.id, b);
    for (const [ended, sent] of [[endedA, a], [endedB, b]] as const) {
      expect(ended.bytes_down).toBeGreaterThanOrEqual(sent.down);
      expect(ended.bytes_down).toBeLessThanOrEqual(slack(sent.down));
      expect(ended.bytes_up).toBeGreaterThanOrEqual(sent.up);
      expect(ended.bytes_up).toBeLessThanOrEqual(slack(sent.up));
    }

    const today = new Date().toISOString().slice(0, 10);
    const usage = await client.get<Usage>(`/v1/usage?from=${today}&to=${today}`);
    expect(usage.status).toBe(200);
    expect(usage.body.items).toHaveLength(1);
    expect(usage.body.items[0]!.bytes_down).toBe(endedA.bytes_down + endedB.bytes_down);
    expect(usage.body.items[0]!.bytes_up).toBe(endedA.bytes_up + endedB.bytes_up);
  });

  it("a persistent agent shows the bytes of all its sessions; a write lower than what is stored changes nothing", async () => {
    const own = apiClient(stack.apiUrl, (await stack.newWorkspace("agents-metering-persistent")).apiKey);
    const agent = await createAgent({ mode: "persistent" }, own);
    await drive(agent, 200_000, 20_000);
    expect((await own.call("DELETE", `/v1/agents/${agent.id}/sessions/${agent.session_id}`)).status).toBe(204);
    const first = await getAgent(agent.id, own);
    expect(first.status).toBe("stopped");
    expect(first.bytes_down).toBeGreaterThanOrEqual(200_000);

    // A late periodic write (smaller than the end's) must not lower the ended session's counts.
    await recordAgentSessionBytes(stack.prisma, [{ sessionId: agent.session_id, up: 1, down: 1 }]);
    expect(await getAgent(agent.id, own)).toMatchObject({ bytes_up: first.bytes_up, bytes_down: first.bytes_down });

    const opened = await own.post<Session>(`/v1/agents/${agent.id}/sessions`, {});
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    await drive(opened.body, 250_000, 30_000);
    expect((await own.call("DELETE", `/v1/agents/${agent.id}/sessions/${opened.body.id}`)).status).toBe(204);

    const rows = await stack.prisma.agentSession.findMany({ where: { agentId: agent.id }, select: { bytesUp: true, bytesDown: true } });
    expect(rows).toHaveLength(2);
    const both = await getAgent(agent.id, own);
    expect(both.bytes_down).toBe(rows.reduce((n, r) => n + Number(r.bytesDown), 0));
    expect(both.bytes_up).toBe(rows.reduce((n, r) => n + Number(r.bytesUp), 0));
    expect(both.bytes_down).toBeGreaterThanOrEqual(450_000);
    expect(both.bytes_down).toBeLessThanOrEqual(slack(450_000));
    expect(both.bytes_up).toBeGreaterThanOrEqual(50_000);
    expect(both.bytes_up).toBeLessThanOrEqual(slack(50_000));
    // The list shows the same sums.
    const listed = await own.get<{ items: Agent[] }>("/v1/agents");
    expect(listed.body.items.find((a) => a.id === agent.id)).toMatchObject({ bytes_up: both.bytes_up, bytes_down: both.bytes_down });
  });
});
