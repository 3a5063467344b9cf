import { execFileSync } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shopper } from "../support/shop-shopper.ts";
import { startFakeLlm, type FakeLlm, type FakePolicy, type FakeTurn } from "../support/fake-llm.ts";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { balanceAndLedger, waitForJob, waitUntil, type Envelope } from "../support/job-polling.ts";
import { launchLocalChromium, startShopSite, type ShopSite } from "../support/shop-site.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";

type TaskEnvelope = Envelope & { kind: string; agent_id: string; live_url?: string; step_count: number; framework: string; error_code: string | null; error_message: string | null; result: Record<string, unknown> | null };
type Step = { n: number; action: string; args: Record<string, unknown> | null; url: string | null; observation: string | null; error: string | null; started_at: string; duration_ms: number; input_tokens: number; output_tokens: number };

let stack: TestStack<ApiHandle>;
let site: ShopSite;
let receiver: WebhookReceiver;
let llm: FakeLlm;
/** Each test's model name picks its policy, so tests share one fake provider without seeing each other's calls. */
const policies = new Map<string, FakePolicy>();

beforeAll(async () => {
  [stack, site, receiver, llm] = await Promise.all([
    startTestStack({ api: "in-process", workers: 1, dispatchers: 1, env: { WORKER_AGENT_SLOTS: "6", AGENT_WARM_POOL: "1", WEBHOOK_POLL_MS: "50", WEBHOOK_RETRY_SCALE: "0.001" } }),
    startShopSite(),
    startWebhookReceiver(),
    startFakeLlm((turn) => {
      const policy = policies.get(turn.model);
      return policy ? policy(turn) : { status: 400, body: { error: { message: `no policy for model ${turn.model}` } } };
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([stack?.stop(), site?.close(), receiver?.close(), llm?.close()]);
});

let models = 0;
/** A model name of this test's own, answered by `policy`. */
function model(policy: FakePolicy): string {
  const name = `model-${(models += 1)}`;
  policies.set(name, policy);
  return name;
}
const callsOf = (name: string): FakeTurn[] => llm.calls.filter((c) => c.model === name);

async function workspace(name: string) {
  const { apiKey, workspaceId } = await stack.newWorkspace(name);
  const client = apiClient(stack.apiUrl, apiKey);
  expect((await client.post("/v1/webhooks", { url: receiver.url(`/${name}`) })).status).toBe(201);
  const submit = async (body: Record<string, unknown>, provider: "openai" | "anthropic" = "openai") => {
    const res = await client.post<TaskEnvelope>("/v1/tasks", {
      llm_api_key: `sk-test-${name}-secret-key-0123456789`,
      llm_base_url: provider === "anthropic" ? llm.origin : llm.baseUrl,
      initial_url: `${site.origin}/`,
      ...body,
      llm: `${provider}:${String(body.llm ?? "unset")}`,
    });
    return res;
  };
  const steps = async (id: string) => (await client.get<{ items: Step[]; next_cursor: string | null }>(`/v1/jobs/${id}/steps?limit=200`)).body.items;
  const events = (jobId: string) => receiver.received.filter((w) => w.path === `/${name}` && w.body.data.job_id === jobId);
  return { client, workspaceId, submit, steps, events, apiKey };
}

describe.each(["openai", "anthropic"] as const)("a task through the %s dialect", (provider) => {
  it("completes on the fixture shop: steps in order with actions, URLs and tokens; the page's answer; credits = steps; one job.completed", async () => {
    const ws = await workspace(`shop-${provider}`);
    const name = model(shopper);
    const submitted = await ws.submit({ task: "Find the price of the red mug", llm: name }, provider);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    expect(submitted.body).toMatchObject({ kind: "task", status: "queued", framework: "browserfleet", step_count: 0, result: null });
    expect(submitted.body.agent_id).toMatch(/^agt_[0-9a-f]{20}$/);
    expect(submitted.body.live_url).toContain(`/live/${submitted.body.agent_id}?token=`);
    const done = (await waitForJob(ws.client, submitted.body.id, { timeoutMs: 90_000 })) as TaskEnvelope;
    expect(done, JSON.stringify(done)).toMatchObject({ status: "completed", step_count: 4, credits_charged: 4, progress_done: 1, progress_total: 1, error_code: null });
    expect(done.result).toMatchObject({ final_result: "Price: 12 EUR", steps_taken: 4 });
    const steps = await ws.steps(done.id);
    expect(steps.map((s) => [s.n, s.action, s.error])).toEqual([
      [1, "type", null],
      [2, "click", null],
      [3, "extract", null],
      [4, "done", null],
    ]);
    expect(steps[0]!.url).toBe(`${site.origin}/results?q=mug`);
    expect(steps[1]!.url).toBe(`${site.origin}/item/1`);
    expect(steps.map((s) => s.input_tokens)).toEqual(callsOf(name).map((c) => 100 + c.n));
    expect(steps.every((s) => s.output_tokens === 10)).toBe(true);
    expect(callsOf(name).every((c) => c.apiKey === `sk-test-shop-${provider}-secret-key-0123456789`)).toBe(true);
    // Charged 4 of the 20 reserved; the ledger still sums to the balance.
    expect((await ws.client.get<{ balance: number }>("/v1/credits")).body.balance).toBe(96);
    expect(await balanceAndLedger(stack.prisma, ws.workspaceId)).toEqual({ balance: 96, ledgerSum: 96 });
    const today = new Date().toISOString().slice(0, 10);
    expect((await ws.client.get<{ items: { task_steps: number }[] }>(`/v1/usage?from=${today}&to=${today}`)).body.items[0]!.task_steps).toBe(4);
    await receiver.waitFor(() => ws.events(done.id).some((w) => w.body.type === "job.completed"), 15_000);
    await new Promise((r) => setTimeout(r, 500));
    const completed = ws.events(done.id).filter((w) => w.body.type === "job.completed");
    expect(completed).toHaveLength(1);
    expect(completed[0]!.body.data).toMatchObject({ job_id: done.id, kind: "task", credits_charged: 4, result: { final_result: "Price: 12 EUR", steps_taken: 4 } });
    // Its burner ended with it.
    await waitUntil(async () => (await ws.client.get<{ status: string }>(`/v1/agents/${done.agent_id}`)).body.status === "destroyed", 15_000, "burner destroyed");
  });
});

describe("the smart router and the submit", () => {
  it("a one-URL fetch is a sync scrape (no key, no model call); anything interactive is a task (key required)", async () => {
    const ws = await workspace("router");
    const before = llm.calls.length;
    const scraped = await ws.client.post<Record<string, unknown>>("/v1/auto", { task: `Go to ${site.origin}/item/1 and return the page` });
    expect(scraped.status, JSON.stringify(scraped.body)).toBe(200);
    expect(scraped.body).toMatchObject({ routed_via: "scrape", url: `${site.origin}/item/1`, final_url: `${site.origin}/item/1`, http_status: 200, agent_id: null, trust_score: null, cost_credits: 1 });
    expect(scraped.body.routing_reason).toMatch(/go to/);
    expect(String(scraped.body.text)).toContain("Price: 12 EUR");
    expect(String(scraped.body.html)).toContain('<p id="price">');
    expect(typeof scraped.body.job_id).toBe("string");
    expect(llm.calls.length).toBe(before);

    const needsKey = await ws.client.post("/v1/auto", { task: `Go to ${site.origin}/ and search for mug` });
    expect([needsKey.status, needsKey.body.code]).toEqual([400, "BAD_REQUEST"]);
    const name = model(shopper);
    const routed = await ws.client.post<TaskEnvelope & { routed_via: string; routing_reason: string }>("/v1/auto", {
      task: `Go to ${site.origin}/ and search for mug, then tell me the red one's price`,
      llm: `openai:${name}`,
      llm_api_key: "sk-test-router-secret-key-0123456789",
      llm_base_url: llm.baseUrl,
      initial_url: `${site.origin}/`,
    });
    expect(routed.status, JSON.stringify(routed.body)).toBe(202);
    expect(routed.body).toMatchObject({ routed_via: "task", kind: "task", framework: "browserfleet" });
    expect(routed.body.routing_reason).toMatch(/search for/);
    const done = (await waitForJob(ws.client, routed.body.id, { timeoutMs: 90_000 })) as TaskEnvelope;
    expect(done.result).toMatchObject({ final_result: "Price: 12 EUR" });
    expect(typeof done.result!.trust_score).toBe("number");
  });

  it("validates every field; refuses private targets and provider URLs; an Idempotency-Key replays the 202 and makes one job; the live view serves", async () => {
    const ws = await workspace("submit");
    const bad = await ws.client.post<{ code: string; details: { path: string }[] }>("/v1/tasks", { task: "", llm: "nope", max_steps: 0, wallclock_seconds: 5, extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d) => d.path).sort()).toEqual(expect.arrayContaining(["llm", "llm_api_key", "max_steps", "task", "wallclock_seconds"]));
    const badSchema = await ws.submit({ task: "x", llm: "m", output_schema: { type: "object", properties: { a: { type: 12 } } } });
    expect([badSchema.status, badSchema.body.code]).toEqual([400, "BAD_REQUEST"]);
    const privateBase = await ws.client.post<{ code: string }>("/v1/tasks", { task: "x", llm_api_key: "k", llm_base_url: "http://10.0.0.1/v1" });
    expect([privateBase.status, privateBase.body.code]).toEqual([422, "URL_NOT_ALLOWED"]);
    const metadata = await ws.client.post<{ code: string }>("/v1/tasks", { task: "x", llm_api_key: "k", initial_url: "http://169.254.169.254/latest/meta-data" });
    expect([metadata.status, metadata.body.code]).toEqual([422, "URL_NOT_ALLOWED"]);
    expect(await stack.prisma.job.count({ where: { workspaceId: ws.workspaceId } })).toBe(0);

    const name = model(shopper);
    const body = { task: "Find the price of the red mug", llm: `openai:${name}`, llm_api_key: "sk-test-idem-secret-key-0123456789", llm_base_url: llm.baseUrl, initial_url: `${site.origin}/` };
    const first = await ws.client.post<TaskEnvelope>("/v1/tasks", body, { "idempotency-key": "task-once" });
    const replay = await ws.client.post<TaskEnvelope>("/v1/tasks", body, { "idempotency-key": "task-once" });
    expect([first.status, replay.status]).toEqual([202, 202]);
    expect(replay.headers.get("idempotent-replay")).toBe("true");
    expect(replay.body).toEqual(first.body);
    expect(await stack.prisma.job.count({ where: { workspaceId: ws.workspaceId } })).toBe(1);
    const view = await fetch(first.body.live_url!);
    expect([view.status, view.headers.get("content-type")]).toEqual([200, expect.stringContaining("text/html")]);
    await view.text();
    await waitForJob(ws.client, first.body.id, { timeoutMs: 90_000 });
    const listed = (await ws.client.get<{ items: TaskEnvelope[] }>("/v1/jobs?kind=task")).body.items;
    expect(listed.map((j) => [j.id, j.step_count, j.agent_id])).toEqual([[first.body.id, 4, first.body.agent_id]]);
  });
});

describe("ask_user and respond", () => {
  it("pauses input_required (+ webhook), respond resumes it on the same browser with the answer reaching the model; respond otherwise → 409 JOB_NOT_WAITING", async () => {
    const ws = await workspace("ask");
    const name = model((turn) => {
      const answer = turn.messages.map((m) => m.text).find((t) => t.startsWith("the user answered: "));
      if (!answer) return { tool: "ask_user", args: { question: "Which colour of mug?" } };
      return { tool: "done", args: { result: `colour: ${answer.slice("the user answered: ".length)} on ${/URL: (\S+)/.exec(turn.last)?.[1]}` } };
    });
    const submitted = await ws.submit({ task: "Buy a mug, ask me which colour", llm: name, initial_url: `${site.origin}/item/1` });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const id = submitted.body.id;
    let waiting: TaskEnvelope | undefined;
    await waitUntil(async () => (waiting = (await ws.client.get<TaskEnvelope>(`/v1/jobs/${id}?wait=5`)).body).status === "input_required", 60_000, "input_required");
    expect(waiting).toMatchObject({ status: "input_required", step_count: 1, credits_charged: 1, result: { question: "Which colour of mug?" } });
    // While it waits, its browser is held, and the live_url of the 202 shows it.
    const viewerBrowser = await launchLocalChromium();
    try {
      const viewer = await viewerBrowser.newPage();
      await viewer.goto(submitted.body.live_url!);
      await expect.poll(() => viewer.locator("#bar").textContent(), { timeout: 15_000 }).toBe(`${site.origin}/item/1`);
      await expect.poll(() => viewer.locator("#screen").evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    } finally {
      await viewerBrowser.close();
    }
    await receiver.waitFor(() => ws.events(id).some((w) => w.body.type === "job.input_required"), 15_000);
    expect(ws.events(id).find((w) => w.body.type === "job.input_required")!.body.data).toEqual({ job_id: id, kind: "task", question: "Which colour of mug?" });

    const answered = await ws.client.post<TaskEnvelope>(`/v1/jobs/${id}/respond`, { input: "red" });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body.status).toBe("running");
    const again = await ws.client.post(`/v1/jobs/${id}/respond`, { input: "blue" });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("JOB_NOT_WAITING");

    const done = (await waitForJob(ws.client, id, { timeoutMs: 60_000 })) as TaskEnvelope;
    // Same browser: still on the page it was on when it asked.
    expect(done).toMatchObject({ status: "completed", step_count: 2, credits_charged: 2, result: { final_result: `colour: red on ${site.origin}/item/1`, steps_taken: 2 } });
    expect(callsOf(name).at(-1)!.messages.some((m) => m.text === "the user answered: red")).toBe(true);
    const steps = await ws.steps(id);
    expect(steps.map((s) => [s.action, s.observation])).toEqual([
      ["ask_user", "red"],
      ["done", `result: "colour: red on ${site.origin}/item/1"`],
    ]);
    const late = await ws.client.post(`/v1/jobs/${id}/respond`, { input: "green" });
    expect([late.status, late.body.code]).toEqual([409, "JOB_NOT_WAITING"]);
    expect((await ws.client.post(`/v1/jobs/${id}/respond`, { input: "" })).status).toBe(400);
    expect(await balanceAndLedger(stack.prisma, ws.workspaceId)).toEqual({ balance: 98, ledgerSum: 98 });
  });
});

describe("failure codes, each with exact credits", () => {
  /** Submits, waits for the end, and checks the code, the charge (= steps recorded) and the balance. */
  async function failsWith(wsName: string, body: Record<string, unknown>, code: string, provider: "openai" | "anthropic" = "openai"): Promise<{ job: TaskEnvelope; steps: Step[]; ws: Awaited<ReturnType<typeof workspace>> }> {
    const ws = await workspace(wsName);
    const submitted = await ws.submit(body, provider);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const job = (await waitForJob(ws.client, submitted.body.id, { timeoutMs: 90_000 })) as TaskEnvelope;
    expect([job.status, job.error_code], JSON.stringify(job)).toEqual([code === "CANCELLED" ? "cancelled" : "failed", code]);
    const steps = await ws.steps(job.id);
    expect(job.credits_charged).toBe(steps.length);
    expect(job.step_count).toBe(steps.length);
    expect(await balanceAndLedger(stack.prisma, ws.workspaceId)).toEqual({ balance: 100 - steps.length, ledgerSum: 100 - steps.length });
    await receiver.waitFor(() => ws.events(job.id).some((w) => w.body.type === (code === "CANCELLED" ? "job.cancelled" : "job.failed")), 15_000);
    await waitUntil(async () => (await ws.client.get<{ status: string }>(`/v1/agents/${job.agent_id}`)).body.status === "destroyed", 15_000, "burner destroyed");
    return { job, steps, ws };
  }

  it("401 → INVALID_API_KEY, nothing charged (the provider's message kept, the key in it redacted)", async () => {
    const name = model((turn) => ({ status: 401, body: { error: { message: `Incorrect API key provided: ${turn.apiKey}`, type: "invalid_request_error", code: "invalid_api_key" } } }));
    const { job, steps } = await failsWith("unauthorised", { task: "Find the price of the red mug", llm: name }, "INVALID_API_KEY", "anthropic");
    expect(steps).toEqual([]);
    expect(job.error_message).toContain("Incorrect API key provided: [redacted]");
    expect(callsOf(name)).toHaveLength(1);
  });

  it("429 every time → RATE_LIMIT after retries that each waited at least Retry-After", async () => {
    const seen: number[] = [];
    const name = model(() => {
      seen.push(Date.now());
      return { status: 429, headers: { "retry-after": "1" }, body: { error: { message: "Rate limit reached for requests" } } };
    });
    const { job, steps } = await failsWith("limited", { task: "Find the price of the red mug", llm: name }, "RATE_LIMIT");
    expect(steps).toEqual([]);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThanOrEqual(5);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]! - seen[i - 1]!).toBeGreaterThanOrEqual(950);
    expect(job.error_message).toContain("Rate limit reached for requests");
  });

  it("500 on every call → LLM_ERROR with the provider's message", async () => {
    const name = model(() => ({ status: 500, body: { error: { message: "the model is overloaded", type: "server_error" } } }));
    const { job, steps } = await failsWith("broken", { task: "Find the price of the red mug", llm: name }, "LLM_ERROR");
    expect(steps).toEqual([]);
    expect(job.error_message).toContain("the model is overloaded");
  });

  it("a model that never calls done → STALLED at max_steps, charged max_steps", async () => {
    const name = model(() => ({ tool: "scroll", args: { direction: "down" } }));
    const { job, steps } = await failsWith("stalled", { task: "Find the price of the red mug", llm: name, max_steps: 3 }, "STALLED");
    expect(steps.map((s) => s.action)).toEqual(["scroll", "scroll", "scroll"]);
    expect(job.error_message).toContain("max_steps (3)");
  });

  it("slow steps → TIMEOUT at wallclock_seconds, charged for the steps recorded", async () => {
    const name = model(() => ({ delayMs: 2_500, then: { tool: "wait", args: { ms: 10 } } }));
    const started = Date.now();
    const { job, steps } = await failsWith("slow", { task: "Find the price of the red mug", llm: name, wallclock_seconds: 10 }, "TIMEOUT");
    expect(steps.length).toBeGreaterThanOrEqual(1);
    expect(steps.length).toBeLessThan(20);
    expect(Date.parse(job.completed_at as string) - Date.parse(job.created_at as string)).toBeGreaterThanOrEqual(10_000);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("cancel → CANCELLED between steps: no step after it, charged for the steps recorded", async () => {
    const ws = await workspace("cancelled");
    const name = model(() => ({ delayMs: 300, then: { tool: "wait", args: { ms: 10 } } }));
    const submitted = await ws.submit({ task: "Find the price of the red mug", llm: name });
    await waitUntil(async () => (await ws.client.get<TaskEnvelope>(`/v1/jobs/${submitted.body.id}`)).body.step_count >= 2, 60_000, "two steps");
    const cancelled = await ws.client.post<TaskEnvelope>(`/v1/jobs/${submitted.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    await waitUntil(async () => (await ws.client.get<{ status: string }>(`/v1/agents/${submitted.body.agent_id}`)).body.status === "destroyed", 15_000, "burner destroyed");
    const calls = callsOf(name).length;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(callsOf(name).length).toBe(calls);
    const job = (await ws.client.get<TaskEnvelope>(`/v1/jobs/${submitted.body.id}`)).body;
    const steps = await ws.steps(job.id);
    expect(job).toMatchObject({ status: "cancelled", error_code: "CANCELLED", step_count: steps.length, credits_charged: steps.length });
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(await balanceAndLedger(stack.prisma, ws.workspaceId)).toEqual({ balance: 100 - steps.length, ledgerSum: 100 - steps.length });
    expect((await ws.client.post(`/v1/jobs/${job.id}/cancel`)).status).toBe(409);
  });

  it("no credit for max_steps → 402 at submit, nothing created", async () => {
    const ws = await workspace("poor");
    const name = model(() => ({ delayMs: 200, then: { tool: "wait", args: { ms: 10 } } }));
    const first = await ws.submit({ task: "Wait around", llm: name, max_steps: 95 });
    expect(first.status).toBe(202);
    const jobsBefore = await stack.prisma.job.count({ where: { workspaceId: ws.workspaceId } });
    const agentsBefore = await stack.prisma.agent.count({ where: { workspaceId: ws.workspaceId } });
    const refused = await ws.submit({ task: "Find the price of the red mug", llm: name, max_steps: 6 });
    expect([refused.status, refused.body.code]).toEqual([402, "INSUFFICIENT_CREDIT"]);
    expect(await stack.prisma.job.count({ where: { workspaceId: ws.workspaceId } })).toBe(jobsBefore);
    expect(await stack.prisma.agent.count({ where: { workspaceId: ws.workspaceId } })).toBe(agentsBefore);
    expect((await ws.client.post(`/v1/jobs/${first.body.id}/cancel`)).status).toBe(200);
  });
});

describe("isolation and the key", () => {
  it("another workspace's task id → 404 on steps, respond and cancel", async () => {
    const owner = await workspace("owner");
    const other = await workspace("other");
    const name = model(() => ({ tool: "ask_user", args: { question: "anything?" } }));
    const submitted = await owner.submit({ task: "Ask me something", llm: name });
    const id = submitted.body.id;
    await waitUntil(async () => (await owner.client.get<TaskEnvelope>(`/v1/jobs/${id}`)).body.status === "input_required", 60_000, "input_required");
    for (const res of [await other.client.get(`/v1/jobs/${id}/steps`), await other.client.post(`/v1/jobs/${id}/respond`, { input: "x" }), await other.client.post(`/v1/jobs/${id}/cancel`), await other.client.get(`/v1/jobs/${id}`)]) {
      expect([res.status, res.body.code]).toEqual([404, "NOT_FOUND"]);
    }
    expect((await owner.client.get<TaskEnvelope>(`/v1/jobs/${id}`)).body.status).toBe("input_required");
    expect((await owner.client.post(`/v1/jobs/${id}/cancel`)).status).toBe(200);
  });

  it("no task's key is in the database dump, any process's logs, any webhook body, or left in Redis", async () => {
    // Every test above has ended by now (vitest runs a file's tests in order); wait for the last webhooks to land.
    await waitUntil(async () => (await stack.prisma.outboxEvent.count({ where: { fannedOutAt: null } })) === 0, 15_000, "outbox drained");
    await waitUntil(async () => (await stack.prisma.webhookTask.count({ where: { state: "pending" } })) === 0, 15_000, "deliveries done");
    const keys = [...new Set(llm.calls.map((c) => c.apiKey).filter((k): k is string => k !== null))];
    expect(keys.length).toBeGreaterThanOrEqual(8);
    const dump = execFileSync("pg_dump", ["--data-only", stack.env.DATABASE_URL!], { maxBuffer: 512 * 1024 * 1024 }).toString("utf8");
    expect(dump).toContain("Find the price of the red mug");
    const logs = [...stack.api.logs, ...stack.workers.flatMap((w) => w.logs), ...stack.dispatchers.flatMap((d) => d.logs)].join("\n");
    expect(logs).toContain("task step");
    const webhooks = receiver.received.map((w) => w.rawBody.toString("utf8")).join("\n");
    expect(webhooks).toContain("job.completed");
    for (const key of keys) {
      expect(dump.includes(key), `key in the database dump`).toBe(false);
      expect(logs.includes(key), `key in the logs`).toBe(false);
      expect(webhooks.includes(key), `key in a webhook body`).toBe(false);
    }
    // Each ended task deleted its key from the vault.
    const redis = new Redis(stack.env.REDIS_URL!);
    try {
      const left = await redis.keys(`${stack.env.QUEUE_PREFIX}:task-key:*`);
      expect(left).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
