import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm, type FakePolicy, type FakeReply, type FakeTurn } from "../support/fake-llm.ts";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { balanceAndLedger, waitForJob, waitUntil, type Envelope } from "../support/job-polling.ts";
import { startShopSite, type ShopSite } from "../support/shop-site.ts";
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

/** The ref of the first snapshot line matching `pattern` in the newest observation. */
const ref = (turn: FakeTurn, pattern: RegExp): string => {
  const line = turn.last.split("\n").find((l) => pattern.test(l));
  const found = line && /\[ref=([a-z0-9]+)\]/.exec(line)?.[1];
  if (!found) throw new Error(`the fake model found no ${pattern} in:\n${turn.last}`);
  return found;
};

/** "Search for mug, open the red one, read its price, done": decided from what the page shows. */
const shopper: FakePolicy = (turn): FakeReply => {
  const usage = { input: 100 + turn.n, output: 10 };
  if (turn.last.includes("Title: Shop")) return { tool: "type", args: { index: ref(turn, /textbox "Search"/), text: "mug", submit: true }, usage };
  if (turn.last.includes("Title: Results")) return { tool: "click", args: { index: ref(turn, /link "Red mug"/) }, usage };
  const extracted = turn.messages.map((m) => m.text).find((t) => t.includes("page text:"));
  if (!extracted) return { tool: "extract", args: {}, usage };
  return { tool: "done", args: { result: /Price: [^\n]+/.exec(extracted)?.[0] ?? "unknown" }, usage };
};

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
    await receiver.waitFor(() => ws.events(done.id).some((w) => w.body.type === "job.completed"), 15_000);
    await new Promise((r) => setTimeout(r, 500));
    const completed = ws.events(done.id).filter((w) => w.body.type === "job.completed");
    expect(completed).toHaveLength(1);
    expect(completed[0]!.body.data).toMatchObject({ job_id: done.id, kind: "task", credits_charged: 4, result: { final_result: "Price: 12 EUR", steps_taken: 4 } });
    // Its burner ended with it.
    await waitUntil(async () => (await ws.client.get<{ status: string }>(`/v1/agents/${done.agent_id}`)).body.status === "destroyed", 15_000, "burner destroyed");
  });
});
