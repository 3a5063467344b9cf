import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import { startAgentSite, type AgentSite } from "../support/agent-site.ts";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { balanceAndLedger, waitUntil } from "../support/job-polling.ts";
import { isRunning } from "../support/pid-watch.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";

type Agent = { id: string; status: string; cdp_url: string; session_id: string; cost_credits: number; ended_reason: string | null; ended_at: string | null; started_at: string | null };

// Agent time runs 200× faster: a 10-minute charging block is 3 s, a 2,100 s TTL 10.5 s, a 200 s idle timeout 1 s.
const SCALE = 0.005;
const BLOCK_MS = 600_000 * SCALE;

let stack: TestStack<ApiHandle>;
let site: AgentSite;
let receiver: WebhookReceiver;

beforeAll(async () => {
  [stack, site, receiver] = await Promise.all([
    startTestStack({
      api: "in-process",
      workers: 1,
      dispatchers: 1,
      env: { WORKER_AGENT_SLOTS: "4", AGENT_WARM_POOL: "1", AGENT_TTL_SCALE: String(SCALE), WEBHOOK_POLL_MS: "50", WEBHOOK_RETRY_SCALE: "0.001" },
    }),
    startAgentSite(),
    startWebhookReceiver(),
  ]);
});

afterAll(async () => {
  await Promise.all([stack?.stop(), site?.close(), receiver?.close()]);
});

/** A workspace of its own per test (its own balance, ledger and webhook path), so the tests run at once. */
async function workspace(name: string) {
  const { apiKey, workspaceId } = await stack.newWorkspace(name);
  const client = apiClient(stack.apiUrl, apiKey);
  expect((await client.post("/v1/webhooks", { url: receiver.url(`/${name}`), events: ["agent.provisioned", "agent.destroyed", "agent.failed"] })).status).toBe(201);
  const create = async (body: Record<string, unknown>): Promise<Agent> => {
    const res = await client.post<Agent>("/v1/agents", body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const waitEnded = async (id: string, timeoutMs = 30_000): Promise<Agent> => {
    let agent: Agent | undefined;
    await waitUntil(async () => (agent = (await client.get<Agent>(`/v1/agents/${id}`)).body).status === "destroyed", timeoutMs, `agent ${id} destroyed`);
    return agent!;
  };
  const pidOf = async (sessionId: string): Promise<number> => (await stack.prisma.agentSession.findUniqueOrThrow({ where: { id: sessionId } })).browserPid!;
  const eventsOf = (agentId: string, type: string) => receiver.received.filter((r) => r.path === `/${name}` && r.body.type === type && r.body.data.agent_id === agentId);
  return { client, workspaceId, create, waitEnded, pidOf, eventsOf };
}

describe.concurrent("an agent's life ends once, with its reason, its browser gone and exact credits", () => {
  it("TTL: ends `ttl` at expires_at, its Chromium exits, the client is closed, charged its started blocks", async () => {
    const ws = await workspace("ttl");
    // The default idle timeout is 1.5 s at this scale: a loaded machine may take longer to attach.
    // The TTL (10.5 s) leaves a loaded machine time to attach before it expires (4.5 s once did not).
    const agent = await ws.create({ ttl_seconds: 2100, idle_timeout_seconds: 3600 });
    const pid = await ws.pidOf(agent.session_id);
    expect(isRunning(pid)).toBe(true);
    const browser = await chromium.connectOverCDP(agent.cdp_url);
    const disconnected = new Promise<void>((resolve) => browser.on("disconnected", () => resolve()));
    const ended = await ws.waitEnded(agent.id);
    await disconnected;
    expect(ended).toMatchObject({ status: "destroyed", ended_reason: "ttl" });
    // 2,100 s of agent time is three and a half blocks: four started blocks, the whole reservation.
    expect(ended.cost_credits).toBe(4);
    await waitUntil(() => !isRunning(pid), 10_000, "agent Chromium gone");
    const { balance, ledgerSum } = await balanceAndLedger(stack.prisma, ws.workspaceId);
    expect(balance).toBe(96);
    expect(ledgerSum).toBe(balance);
    await receiver.waitFor(() => ws.eventsOf(agent.id, "agent.destroyed").length > 0, 15_000);
    expect(ws.eventsOf(agent.id, "agent.provisioned")).toHaveLength(1);
    const destroyed = ws.eventsOf(agent.id, "agent.destroyed");
    expect(destroyed).toHaveLength(1);
    expect(destroyed[0]!.body.data).toMatchObject({ agent_id: agent.id, mode: "burner", reason: "ttl", cost_credits: 4 });
  });

  it("idle: ends `idle` when no CDP client is attached for idle_timeout_seconds, never while one is", async () => {
    const ws = await workspace("idle");
    // 400 s of agent time = 2 s real; the TTL (3600 s = 18 s) is far off.
    const agent = await ws.create({ ttl_seconds: 3600, idle_timeout_seconds: 400 });
    const browser = await chromium.connectOverCDP(agent.cdp_url);
    const page = browser.contexts()[0]!.pages()[0]!;
    // Attached for three idle timeouts: it must still be running.
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await page.evaluate(() => 1 + 1)).toBe(2);
    }
    expect((await ws.client.get<Agent>(`/v1/agents/${agent.id}`)).body.status).toBe("running");
    const pid = await ws.pidOf(agent.session_id);
    await browser.close();
    const ended = await ws.waitEnded(agent.id);
    expect(ended.ended_reason).toBe("idle");
    await waitUntil(() => !isRunning(pid), 10_000, "agent Chromium gone");
    // Charged the started blocks of the time it ran (6 s attached + 2 s idle ≈ 8 s, blocks of 3 s), never more than reserved.
    const ranMs = Date.parse(ended.ended_at!) - Date.parse(ended.started_at!);
    expect(ended.cost_credits).toBe(Math.ceil(ranMs / BLOCK_MS));
    const { balance, ledgerSum } = await balanceAndLedger(stack.prisma, ws.workspaceId);
    expect(balance).toBe(100 - ended.cost_credits);
    expect(ledgerSum).toBe(balance);
    await receiver.waitFor(() => ws.eventsOf(agent.id, "agent.destroyed").length > 0, 15_000);
    expect(ws.eventsOf(agent.id, "agent.destroyed")).toHaveLength(1);
  });

  it("Puppeteer-style Browser.close ends the agent as the client's doing (`client`), not a crash", async () => {
    const ws = await workspace("browser-close");
    const agent = await ws.create({ ttl_seconds: 3600, idle_timeout_seconds: 3600 });
    const browser = await chromium.connectOverCDP(agent.cdp_url);
    const session = await browser.newBrowserCDPSession();
    await session.send("Browser.close").catch(() => undefined);
    const ended = await ws.waitEnded(agent.id);
    expect(ended.ended_reason).toBe("client");
    // The started blocks of the time it ran (one, unless the machine was slow to get here).
    expect(ended.cost_credits).toBe(Math.max(1, Math.ceil((Date.parse(ended.ended_at!) - Date.parse(ended.started_at!)) / BLOCK_MS)));
  });

  it("GET /v1/usage counts the agent seconds of the day, lists every day of the range, and refuses bad ranges", async () => {
    const ws = await workspace("usage");
    const agent = await ws.create({ ttl_seconds: 3600, idle_timeout_seconds: 3600 });
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await ws.client.call("DELETE", `/v1/agents/${agent.id}`)).status).toBe(204);
    const today = new Date().toISOString().slice(0, 10);
    const usage = await ws.client.get<{ items: { date: string; agent_seconds: number; pages: number; task_steps: number }[] }>(`/v1/usage?to=${today}`);
    expect(usage.status).toBe(200);
    expect(usage.body.items).toHaveLength(30);
    const last = usage.body.items.at(-1)!;
    expect(last.date).toBe(today);
    expect(last.agent_seconds).toBeGreaterThanOrEqual(1);
    expect(usage.body.items.slice(0, -1).every((d) => d.agent_seconds === 0 && d.pages === 0)).toBe(true);
    for (const bad of ["from=2026-13-01", "from=2026-02-30", "from=2026-05-02&to=2026-05-01", "from=2020-01-01&to=2026-01-01", "to=yesterday"]) {
      const res = await ws.client.get<{ code: string }>(`/v1/usage?${bad}`);
      expect({ bad, status: res.status, code: res.body.code }).toEqual({ bad, status: 400, code: "BAD_REQUEST" });
    }
  });

  it("a browser that crashes ends the agent `error`, charged only what it ran", async () => {
    const ws = await workspace("crash");
    const agent = await ws.create({ ttl_seconds: 3600, idle_timeout_seconds: 3600 });
    const pid = await ws.pidOf(agent.session_id);
    process.kill(pid, "SIGKILL");
    const ended = await ws.waitEnded(agent.id);
    expect(ended.ended_reason).toBe("error");
    expect(ended.cost_credits).toBe(1);
    const { balance, ledgerSum } = await balanceAndLedger(stack.prisma, ws.workspaceId);
    expect(balance).toBe(99);
    expect(ledgerSum).toBe(balance);
  });
});
