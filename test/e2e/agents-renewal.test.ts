import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { balanceAndLedger } from "../support/job-polling.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

type Agent = { id: string; status: string; session_id: string; cdp_url: string; cost_credits: number; ended_reason: string | null; error_code: string | null };

/** One renewal cycle lasts this long in real time (PERSISTENT_RENEWAL_DAYS accepts fractions for tests). */
const PERIOD_SECONDS = 5;

let stack: TestStack<ApiHandle>;

beforeAll(async () => {
  stack = await startTestStack({
    api: "in-process",
    workers: 1,
    env: { WORKER_AGENT_SLOTS: "2", AGENT_WARM_POOL: "0", PERSISTENT_RENEWAL_DAYS: String(PERIOD_SECONDS / 86_400), AGENT_RENEWAL_INTERVAL_MS: "200" },
  });
});

afterAll(async () => {
  await stack?.stop();
});

const eventsOf = async (workspaceId: string, agentId: string) =>
  (await stack.prisma.outboxEvent.findMany({ where: { workspaceId }, orderBy: { createdAt: "asc" } }))
    .filter((e) => (e.data as { agent_id?: string }).agent_id === agentId)
    .map((e) => e.type);

describe("persistent agents are renewed every PERSISTENT_RENEWAL_DAYS, and destroyed when a renewal cannot be paid", () => {
  it("charges each cycle once (agent.renewed), then destroys a stopped agent and one with a running session when the balance runs out", async () => {
    const { apiKey, workspaceId } = await stack.newWorkspace("renewal");
    const client = apiClient(stack.apiUrl, apiKey);
    // A: its first session ends at once, so it is stopped between renewals.
    const a = (await client.post<Agent>("/v1/agents", { mode: "persistent", ttl_seconds: 600 })).body;
    expect(a.status).toBe("running");
    expect((await client.call("DELETE", `/v1/agents/${a.id}/sessions/${a.session_id}`)).status).toBe(204);
    await expect.poll(async () => (await client.get<Agent>(`/v1/agents/${a.id}`)).body.status, { timeout: 15_000 }).toBe("stopped");
    // B: a session stays open, with a CDP client attached.
    const b = (await client.post<Agent>("/v1/agents", { mode: "persistent", ttl_seconds: 600 })).body;
    expect(b.status).toBe("running");
    const socket = new WebSocket(b.cdp_url);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    // 100 − (20 first renewal + 2 for A's one block) − (20 + 2 reserved for B) = 56 before any cycle: two more renewals
    // (−40, whichever agent's comes due first; on a slow machine one may come before B exists) are paid, the next is not.
    expect((await balanceAndLedger(stack.prisma, workspaceId)).balance).toBeGreaterThanOrEqual(16);

    await expect.poll(async () => (await client.get<Agent>(`/v1/agents/${a.id}`)).body.status, { timeout: 4 * PERIOD_SECONDS * 1000, interval: 250 }).toBe("destroyed");
    await expect.poll(async () => (await client.get<Agent>(`/v1/agents/${b.id}`)).body.status, { timeout: 10_000, interval: 250 }).toBe("destroyed");
    expect(await closed).toBe(4005);

    let renewed = 0;
    let cost = 0;
    for (const agent of [a, b]) {
      const view = (await client.get<Agent>(`/v1/agents/${agent.id}`)).body;
      expect(view).toMatchObject({ ended_reason: "error", error_code: "INSUFFICIENT_CREDIT" });
      cost += view.cost_credits;
      const types = await eventsOf(workspaceId, agent.id);
      renewed += types.filter((t) => t === "agent.renewed").length;
      expect(types.filter((t) => t === "agent.renewal_failed")).toHaveLength(1);
      expect(types.filter((t) => t === "agent.destroyed")).toHaveLength(1);
      expect(types.indexOf("agent.renewal_failed")).toBeLessThan(types.indexOf("agent.destroyed"));
      expect(await stack.prisma.agentProfile.count({ where: { agentId: agent.id } })).toBe(0);
    }
    // Two cycles were paid in all, each charged once; each agent: its first renewal (20) and its one session block (2).
    expect(renewed).toBe(2);
    expect(cost).toBe(2 * 20 + 2 * 20 + 2 * 2);
    const money = await balanceAndLedger(stack.prisma, workspaceId);
    expect(money).toEqual({ balance: 16, ledgerSum: money.balance });
    const renewals = await stack.prisma.creditLedgerEntry.findMany({ where: { workspaceId, reason: "agent_renewal" } });
    expect(renewals.map((r) => r.delta)).toEqual([-20, -20, -20, -20]);
  });
});
