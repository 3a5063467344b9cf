import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import { setWorkspaceMaxAgents } from "@browserfleet/db";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { balanceAndLedger, waitUntil } from "../support/job-polling.ts";
import { isRunning } from "../support/pid-watch.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

type Agent = { id: string; status: string; cdp_url: string; session_id: string; cost_credits: number; ended_reason: string | null; ended_at: string | null; started_at: string | null };

// Agent time 200× faster (a charging block is 3 s); a worker that stops renewing loses its agents within 2 s + a sweep.
const SCALE = 0.005;
const LEASE_MS = 2_000;

let stack: TestStack<ApiHandle>;
let secondApi: ApiHandle;

beforeAll(async () => {
  stack = await startTestStack({
    api: "in-process",
    workers: 2,
    env: { WORKER_AGENT_SLOTS: "3", AGENT_WARM_POOL: "1", AGENT_TTL_SCALE: String(SCALE), AGENT_LEASE_MS: String(LEASE_MS), AGENT_SWEEP_INTERVAL_MS: "300" },
  });
  secondApi = await stack.startApi();
});

afterAll(async () => {
  await stack?.stop();
});

describe("agents across replicas: the cap, the create rate, a lost worker, no capacity", () => {
  let agents: Agent[] = [];
  let ws: { apiKey: string; workspaceId: string };

  it("max_agents 2 holds across two API processes and two workers: 6 creates at once give 2 × 201 and 4 × 429 with Retry-After", async () => {
    ws = await stack.newWorkspace("cap");
    await setWorkspaceMaxAgents(stack.prisma, ws.workspaceId, 2);
    const apis = [apiClient(stack.apiUrl, ws.apiKey), apiClient(`http://127.0.0.1:${secondApi.port}`, ws.apiKey)];
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => apis[i % 2]!.post<Agent & { code?: string }>("/v1/agents", { ttl_seconds: 3600, idle_timeout_seconds: 3600 })));
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 429);
    expect(created).toHaveLength(2);
    expect(refused).toHaveLength(4);
    for (const r of refused) {
      expect(r.body.code).toBe("TOO_MANY_REQUESTS");
      expect(r.headers.get("retry-after")).toBe("30");
    }
    agents = created.map((c) => c.body);
    expect(await stack.prisma.agent.count({ where: { workspaceId: ws.workspaceId } })).toBe(2);
    // Refusals reserved nothing: only the two agents' reservations (6 blocks each) left the balance.
    expect((await balanceAndLedger(stack.prisma, ws.workspaceId)).balance).toBe(100 - 12);
  });

  it("SIGKILL of the hosting worker: the agent ends worker_lost, its client is closed, the cap frees, nothing charged past the loss", async () => {
    const [lostAgent, survivor] = agents as [Agent, Agent];
    const session = await stack.prisma.agentSession.findUniqueOrThrow({ where: { id: lostAgent.session_id } });
    const host = stack.workers.find((w) => session.workerUrl!.endsWith(`:${w.port}`))!;
    expect(host, "the worker hosting the agent").toBeDefined();
    const browser = await chromium.connectOverCDP(lostAgent.cdp_url);
    const disconnected = new Promise<void>((resolve) => browser.on("disconnected", () => resolve()));
    const killedAt = Date.now();
    host.child.kill("SIGKILL");
    await disconnected;
    const client = apiClient(stack.apiUrl, ws.apiKey);
    let ended: Agent | undefined;
    await waitUntil(async () => (ended = (await client.get<Agent>(`/v1/agents/${lostAgent.id}`)).body).status === "destroyed", 15_000, "lost agent ended");
    expect(ended!.ended_reason).toBe("worker_lost");
    // Ended at the lease's last renewal, not when the sweep noticed: never later than the kill plus a renewal interval.
    expect(Date.parse(ended!.ended_at!)).toBeLessThanOrEqual(killedAt + LEASE_MS);
    const ranMs = Date.parse(ended!.ended_at!) - Date.parse(ended!.started_at!);
    expect(ended!.cost_credits).toBe(Math.max(1, Math.ceil(ranMs / (600_000 * SCALE))));
    await waitUntil(() => !isRunning(session.browserPid!), 10_000, "the dead worker's Chromium is gone");
    // The other agent was not on that worker... or, when both were, it is lost too; either way the cap now has room.
    const again = await client.post<Agent>("/v1/agents", { ttl_seconds: 3600 });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    agents = [again.body, survivor];
    const { balance, ledgerSum } = await balanceAndLedger(stack.prisma, ws.workspaceId);
    expect(ledgerSum).toBe(balance);
  });

  it("more than AGENT_CREATES_PER_MINUTE creates in a minute → 429 with Retry-After, nothing created", async () => {
    const limited = await stack.startApi({ AGENT_CREATES_PER_MINUTE: "2" });
    const other = await stack.newWorkspace("rate");
    const client = apiClient(`http://127.0.0.1:${limited.port}`, other.apiKey);
    for (let i = 0; i < 2; i++) {
      const res = await client.post<Agent>("/v1/agents", { ttl_seconds: 60 });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect((await client.call("DELETE", `/v1/agents/${res.body.id}`)).status).toBe(204);
    }
    const third = await client.post<{ code: string; error: string }>("/v1/agents", { ttl_seconds: 60 });
    expect(third.status).toBe(429);
    expect(third.body.code).toBe("TOO_MANY_REQUESTS");
    expect(third.body.error).toMatch(/agent creates per minute/);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await stack.prisma.agent.count({ where: { workspaceId: other.workspaceId } })).toBe(2);
  });

  it("SIGTERM on a worker: it takes no new agent; running ones go on through the grace period, then end worker_lost, a persistent profile saved first", async () => {
    const draining = await stack.startWorker({ SHUTDOWN_TIMEOUT_MS: "8000" });
    // Only the draining worker is left to host anything (the others' agents end worker_lost).
    await Promise.all(stack.workers.filter((w) => w !== draining).map((w) => w.stop("SIGKILL")));
    const other = await stack.newWorkspace("sigterm");
    const client = apiClient(stack.apiUrl, other.apiKey);
    // At this AGENT_TTL_SCALE the default idle timeout is 1.5 s: these must outlive the test's own pauses.
    const persistent = await client.post<Agent>("/v1/agents", { mode: "persistent", ttl_seconds: 3600, idle_timeout_seconds: 3600 });
    const burner = await client.post<Agent>("/v1/agents", { ttl_seconds: 3600, idle_timeout_seconds: 3600 });
    expect([persistent.status, burner.status], JSON.stringify([persistent.body, burner.body])).toEqual([201, 201]);
    const saved = await chromium.connectOverCDP(persistent.body.cdp_url);
    await saved.contexts()[0]!.addCookies([{ name: "kept", value: "through-drain", domain: "drain.test", path: "/", expires: Math.floor(Date.now() / 1000) + 3600 }]);
    await saved.close();
    const browser = await chromium.connectOverCDP(burner.body.cdp_url);
    const page = browser.contexts()[0]!.pages()[0]!;
    const disconnected = new Promise<void>((resolve) => browser.on("disconnected", () => resolve()));
    const exited = new Promise<number | null>((resolve) => draining.child.once("exit", (code) => resolve(code)));
    draining.child.kill("SIGTERM");

    // While it drains: no new agent is placed on it, and the running one still answers its client.
    const refused = await client.post<{ code: string }>("/v1/agents", { ttl_seconds: 600, startup_timeout_seconds: 2 });
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe("NO_CAPACITY");
    expect(await page.evaluate(() => 1 + 1)).toBe(2);

    await disconnected;
    // The agents step had its half of SHUTDOWN_TIMEOUT_MS, and the rest of the drain finished in time.
    expect(await exited).toBe(0);
    const burnerAfter = (await client.get<Agent>(`/v1/agents/${burner.body.id}`)).body;
    expect(burnerAfter).toMatchObject({ status: "destroyed", ended_reason: "worker_lost" });
    const persistentAfter = (await client.get<Agent>(`/v1/agents/${persistent.body.id}`)).body;
    expect(persistentAfter.status).toBe("stopped");
    const session = await stack.prisma.agentSession.findUniqueOrThrow({ where: { id: persistent.body.session_id } });
    expect(session.endedReason).toBe("worker_lost");
    expect(await stack.prisma.agentProfile.count({ where: { agentId: persistent.body.id } })).toBe(1);
    const ended = await stack.prisma.outboxEvent.findFirstOrThrow({ where: { workspaceId: other.workspaceId, type: "agent.session.ended" } });
    expect(ended.data).toMatchObject({ agent_id: persistent.body.id, reason: "worker_lost", profile_saved: true });
    const { balance, ledgerSum } = await balanceAndLedger(stack.prisma, other.workspaceId);
    expect(ledgerSum).toBe(balance);
  });

  it("no worker can take it: 503 NO_CAPACITY with Retry-After within startup_timeout_seconds, the agent failed, nothing charged", async () => {
    await Promise.all(stack.workers.map((w) => w.stop("SIGKILL")));
    const other = await stack.newWorkspace("no-capacity");
    const client = apiClient(stack.apiUrl, other.apiKey);
    const res = await client.post<{ code: string; agent_id: string }>("/v1/agents", { ttl_seconds: 600, startup_timeout_seconds: 2 });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("NO_CAPACITY");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    const failed = await client.get<Agent & { error_code: string }>(`/v1/agents/${res.body.agent_id}`);
    expect(failed.body).toMatchObject({ status: "failed", error_code: "NO_CAPACITY", cost_credits: 0 });
    const { balance, ledgerSum } = await balanceAndLedger(stack.prisma, other.workspaceId);
    expect(balance).toBe(100);
    expect(ledgerSum).toBe(100);
    expect(await stack.prisma.outboxEvent.count({ where: { workspaceId: other.workspaceId, type: "agent.failed" } })).toBe(1);
  });
});
