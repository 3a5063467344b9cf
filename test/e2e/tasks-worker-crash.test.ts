import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { taskKeyName } from "@browserfleet/core";
import { startFakeLlm, type FakeLlm } from "../support/fake-llm.ts";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { balanceAndLedger, waitForJob, waitUntil } from "../support/job-polling.ts";
import { isRunning } from "../support/pid-watch.ts";
import { startShopSite, type ShopSite } from "../support/shop-site.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

// A worker that stops renewing loses its agents within 2 s plus a sweep.
const LEASE_MS = 2_000;

let stack: TestStack<ApiHandle>;
let site: ShopSite;
let llm: FakeLlm;

beforeAll(async () => {
  [stack, site, llm] = await Promise.all([
    startTestStack({ api: "in-process", workers: 2, env: { WORKER_AGENT_SLOTS: "2", AGENT_WARM_POOL: "0", AGENT_LEASE_MS: String(LEASE_MS), AGENT_SWEEP_INTERVAL_MS: "300" } }),
    startShopSite(),
    // A model that never finishes: a short pause, then one more harmless step.
    startFakeLlm(() => ({ delayMs: 300, then: { tool: "scroll", args: { direction: "down" } } })),
  ]);
});

/** Whether the task's sealed key is still in Redis. */
async function keyLeft(jobId: string): Promise<boolean> {
  const redis = new Redis(stack.env.REDIS_URL!);
  try {
    return (await redis.exists(taskKeyName(stack.env.QUEUE_PREFIX!, jobId))) === 1;
  } finally {
    redis.disconnect();
  }
}

afterAll(async () => {
  await Promise.all([stack?.stop(), site?.close(), llm?.close()]);
});

describe("a task whose worker dies", () => {
  it("fails INTERNAL_ERROR, is never run again (its steps may have side effects), and is charged only for the steps recorded", async () => {
    const ws = await stack.newWorkspace("lost-task");
    const client = apiClient(stack.apiUrl, ws.apiKey);
    const submitted = await client.post<{ id: string; agent_id: string }>("/v1/tasks", {
      task: "Keep scrolling the shop",
      llm: "openai:never-done",
      llm_api_key: "sk-crash-test-key-abcdef",
      llm_base_url: llm.baseUrl,
      initial_url: `${site.origin}/`,
      max_steps: 100,
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const id = submitted.body.id;
    await waitUntil(async () => ((await client.get<{ step_count: number }>(`/v1/jobs/${id}`)).body.step_count ?? 0) >= 2, 60_000, "two steps");
    const session = await stack.prisma.agentSession.findFirstOrThrow({ where: { agentId: submitted.body.agent_id } });
    const host = stack.workers.find((w) => session.workerUrl!.endsWith(`:${w.port}`))!;
    expect(host, "the worker hosting the task").toBeDefined();
    host.child.kill("SIGKILL");

    const failed = await waitForJob(client, id, { timeoutMs: 30_000 });
    expect(failed).toMatchObject({ status: "failed", error_code: "INTERNAL_ERROR" });
    expect(String(failed.error_message)).toContain("never re-run");
    const agent = (await client.get<{ status: string; ended_reason: string }>(`/v1/agents/${submitted.body.agent_id}`)).body;
    expect(agent).toMatchObject({ status: "destroyed", ended_reason: "worker_lost" });
    await waitUntil(() => !isRunning(session.browserPid!), 10_000, "the dead worker's Chromium is gone");

    // Nobody picks it up again: no more model calls, no more steps, on the surviving worker or anywhere.
    const calls = llm.calls.length;
    const steps = (await client.get<{ items: unknown[] }>(`/v1/jobs/${id}/steps?limit=200`)).body.items.length;
    await new Promise((r) => setTimeout(r, 3_000));
    expect(llm.calls.length).toBe(calls);
    const after = (await client.get<{ step_count: number; credits_charged: number }>(`/v1/jobs/${id}`)).body;
    expect(after).toMatchObject({ step_count: steps, credits_charged: steps });
    expect(steps).toBeGreaterThanOrEqual(2);
    expect(await balanceAndLedger(stack.prisma, ws.workspaceId)).toEqual({ balance: 100 - steps, ledgerSum: 100 - steps });
    // The sweep that ended it deleted its LLM key too.
    expect(await keyLeft(id)).toBe(false);
  });

  it("a task cancelled while its burner waits for a worker: the burner ends at once and never starts; its live_url served meanwhile", async () => {
    await Promise.all(stack.workers.map((w) => w.stop("SIGKILL")));
    const ws = await stack.newWorkspace("queued-task");
    const client = apiClient(stack.apiUrl, ws.apiKey);
    const submitted = await client.post<{ id: string; agent_id: string; status: string; live_url: string }>("/v1/tasks", {
      task: "Keep scrolling the shop",
      llm: "openai:never-done",
      llm_api_key: "sk-queued-test-key-abcdef",
      llm_base_url: llm.baseUrl,
      initial_url: `${site.origin}/`,
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    expect(submitted.body.status).toBe("queued");
    const page = await fetch(submitted.body.live_url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("waiting for the agent's browser");
    const cancelled = await client.post<{ status: string }>(`/v1/jobs/${submitted.body.id}/cancel`);
    expect([cancelled.status, cancelled.body.status]).toEqual([200, "cancelled"]);
    const agent = (await client.get<{ status: string; ended_reason: string }>(`/v1/agents/${submitted.body.agent_id}`)).body;
    expect(agent).toMatchObject({ status: "destroyed", ended_reason: "client" });
    expect((await fetch(submitted.body.live_url)).status).toBe(409);
    // A worker that comes up now finds nothing of it to start.
    const calls = llm.calls.length;
    await stack.startWorker();
    await new Promise((r) => setTimeout(r, 2_000));
    const session = await stack.prisma.agentSession.findFirstOrThrow({ where: { agentId: submitted.body.agent_id } });
    expect([session.status, session.startedAt]).toEqual(["ended", null]);
    expect(llm.calls.length).toBe(calls);
    expect(await balanceAndLedger(stack.prisma, ws.workspaceId)).toEqual({ balance: 100, ledgerSum: 100 });
    expect(await keyLeft(submitted.body.id)).toBe(false);
  });
});
