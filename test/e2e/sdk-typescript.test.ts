import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BrowserfleetError,
  Client,
  InvalidApiKeyError,
  JobNotWaitingError,
  NotFoundError,
  BadRequestError,
  UrlNotAllowedError,
  verifyWebhook,
} from "../../packages/sdk/src/index.ts";
import { grantCredits } from "@browserfleet/db";
import { startDropFirstAnswerProxy } from "../support/drop-first-answer-proxy.ts";
import { startFakeLlm, type FakeLlm } from "../support/fake-llm.ts";
import { startFixtureSite, type FixtureSite } from "../support/fixture-site.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";

let stack: TestStack<ApiHandle>;
let site: FixtureSite;
let receiver: WebhookReceiver;
let llm: FakeLlm;

beforeAll(async () => {
  [stack, site, receiver, llm] = await Promise.all([
    startTestStack({ api: "in-process", workers: 1, dispatchers: 1, env: { WORKER_AGENT_SLOTS: "1", AGENT_WARM_POOL: "0", WEBHOOK_POLL_MS: "50", WEBHOOK_RETRY_SCALE: "0.001" } }),
    startFixtureSite(),
    startWebhookReceiver(),
    startFakeLlm((turn) => {
      const answer = turn.messages.map((m) => m.text).find((t) => t.startsWith("the user answered: "));
      return answer ? { tool: "done", args: { result: answer.split("\n")[0]!.slice("the user answered: ".length) } } : { tool: "ask_user", args: { question: "Which one?" } };
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([stack?.stop(), site?.close(), receiver?.close(), llm?.close()]);
});

async function client(name: string, options: Partial<ConstructorParameters<typeof Client>[0]> = {}) {
  const ws = await stack.newWorkspace(name);
  return { ...ws, sdk: new Client({ apiKey: ws.apiKey, baseUrl: stack.apiUrl, retry: { baseDelayMs: 50 }, ...options }) };
}

describe("the TypeScript SDK against the real stack", () => {
  it("quick calls, jobs, results, credits, usage and keys: every method once", async () => {
    const { sdk } = await client("sdk-jobs");
    const page = await sdk.scrape({ url: `${site.origin}/simple`, formats: ["html", "text"] });
    expect(page).toMatchObject({ url: `${site.origin}/simple`, status: "completed", http_status: 200 });
    const shot = await sdk.screenshot({ url: `${site.origin}/simple` });
    expect(typeof (shot as { screenshot_png_b64?: string }).screenshot_png_b64).toBe("string");
    const extracted = await sdk.extract({ url: `${site.origin}/simple`, prompt: "the title" });
    expect((extracted as { prompt?: string }).prompt).toBe("the title");
    const queued = await sdk.scrape({ url: `${site.origin}/simple`, async: true });
    expect((queued as { status: string }).status).toBe("queued");
    const crawl = await sdk.crawl({ url: `${site.origin}/simple`, limit: 2 });
    const crawled = await sdk.waitForJob(crawl.id, { timeoutMs: 60_000 });
    expect(crawled.status).toBe("completed");

    const jobs = [];
    for await (const job of sdk.iterJobs({ limit: 2 })) jobs.push(job);
    expect(jobs.length).toBe(5);
    expect((await sdk.listJobs({ kind: "crawl" })).items.map((j) => j.id)).toEqual([crawl.id]);
    expect(await sdk.getJobStatus(crawl.id)).toMatchObject({ id: crawl.id, status: "completed", kind: "crawl" });
    expect((await sdk.listResults(crawl.id, { limit: 1 })).items).toHaveLength(1);
    const cancelTarget = await sdk.batch({ urls: [`${site.origin}/hang`] });
    expect((await sdk.cancelJob(cancelTarget.id)).status).toBe("cancelled");

    const credits = await sdk.getCredits();
    expect(credits.prices.task_step).toBe(1);
    const ledger = [];
    for await (const entry of sdk.iterLedger({ limit: 3 })) ledger.push(entry);
    expect(ledger.reduce((sum, e) => sum + e.delta, 0)).toBe(credits.balance);
    const today = new Date().toISOString().slice(0, 10);
    expect((await sdk.getUsage({ from: today, to: today })).items[0]!.pages).toBeGreaterThanOrEqual(4);

    const key = await sdk.createKey("second");
    expect(key.key).toMatch(/^agt_live_/);
    const keys = [];
    for await (const k of sdk.iterKeys()) keys.push(k);
    expect(keys.map((k) => k.id)).toContain(key.id);
    expect((await sdk.listKeys()).items.length).toBe(keys.length);
    await sdk.revokeKey(key.id);
    const revoked = new Client({ apiKey: key.key, baseUrl: stack.apiUrl });
    const refused = await revoked.getCredits().catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(InvalidApiKeyError);
    expect(refused).toBeInstanceOf(BrowserfleetError);
    expect((refused as InvalidApiKeyError).requestId).toMatch(/.+/);
    expect((refused as InvalidApiKeyError).status).toBe(401);
  });

  it("waitForJob on a batch, and iterating a 250-item result set yields 250 items in submission order", async () => {
    const { sdk, workspaceId } = await client("sdk-batch");
    await grantCredits(stack.prisma, { workspaceId, amount: 200 });
    const urls = Array.from({ length: 250 }, (_, i) => `${site.origin}/simple?n=${i}`);
    const batch = await sdk.batch({ urls, formats: ["text"] });
    const done = await sdk.waitForJob(batch.id, { timeoutMs: 240_000 });
    expect(done).toMatchObject({ status: "completed", progress_done: 250, progress_total: 250 });
    const seen: string[] = [];
    for await (const item of sdk.iterResults(batch.id, { limit: 40 })) seen.push(item.url);
    expect(seen).toEqual(urls);
  });

  it("typed errors with the request id; a 429 is retried after its Retry-After and succeeds", async () => {
    const { sdk, workspaceId, apiKey } = await client("sdk-errors");
    const bad = await sdk.scrape({ url: "not a url" } as never).catch((err: unknown) => err);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).details?.[0]?.path).toBe("url");
    const missing = await sdk.getJob("00000000-0000-4000-8000-000000000000").catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).requestId).toMatch(/.+/);
    const refused = await sdk.scrape({ url: "http://169.254.169.254/latest" }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(UrlNotAllowedError);

    // One submission per second for this workspace: the second of two at once gets 429 (Retry-After: 1), then goes through.
    await stack.prisma.workspace.update({ where: { id: workspaceId }, data: { submissionsPerSecond: 1 } });
    const seen: { key: string; status: number; retryAfter: string | null; sentAt: number; answeredAt: number }[] = [];
    const counting = new Client({
      apiKey,
      baseUrl: stack.apiUrl,
      fetch: async (input, init) => {
        const sentAt = Date.now();
        const answer = await fetch(input, init);
        const key = new Headers(init?.headers).get("idempotency-key") ?? "";
        seen.push({ key, status: answer.status, retryAfter: answer.headers.get("retry-after"), sentAt, answeredAt: Date.now() });
        return answer;
      },
    });
    const [a, b] = await Promise.all([counting.batch({ urls: [`${site.origin}/simple`] }), counting.batch({ urls: [`${site.origin}/simple`] })]);
    expect(a.id).not.toBe(b.id);
    const limited = seen.filter((s) => s.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(seen.filter((s) => s.status === 202)).toHaveLength(2);
    // Each retry went out under the same Idempotency-Key, no sooner than the Retry-After it was given.
    for (const refusal of limited) {
      const retry = seen.find((s) => s.key === refusal.key && s.sentAt >= refusal.answeredAt);
      expect(retry, "the refused call was sent again").toBeDefined();
      expect(retry!.sentAt - refusal.answeredAt).toBeGreaterThanOrEqual(Number(refusal.retryAfter) * 1000 - 50);
    }
  });

  it("a POST whose answer was lost is retried under the same Idempotency-Key and creates one job", async () => {
    const { sdk, apiKey, workspaceId } = await client("sdk-idem");
    const proxy = await startDropFirstAnswerProxy(stack.apiUrl, (req) => req.method === "POST" && req.url === "/v1/quick/batch");
    try {
      const through = new Client({ apiKey, baseUrl: proxy.url, retry: { baseDelayMs: 50 } });
      const job = await through.batch({ urls: [`${site.origin}/simple`, `${site.origin}/page/1`] });
      expect(proxy.dropped).toBe(1);
      expect(proxy.forwarded.filter((r) => r === "POST /v1/quick/batch")).toHaveLength(2);
      expect(await stack.prisma.job.count({ where: { workspaceId } })).toBe(1);
      expect((await sdk.getJob(job.id)).id).toBe(job.id);
    } finally {
      await proxy.close();
    }
  });

  it("webhooks: every method, and verifyWebhook accepts real deliveries (both schemes, during a rotation) and refuses tampered or stale ones", async () => {
    const { sdk } = await client("sdk-hooks");
    const hook = await sdk.createWebhook({ url: receiver.url("/sdk-hooks"), events: ["webhook.test", "job.completed"] });
    expect((await sdk.getWebhook(hook.id)).url).toBe(receiver.url("/sdk-hooks"));
    expect((await sdk.listWebhooks()).items.map((w) => w.id)).toEqual([hook.id]);
    const hooks = [];
    for await (const w of sdk.iterWebhooks()) hooks.push(w);
    expect(hooks).toHaveLength(1);
    expect((await sdk.updateWebhook(hook.id, { description: "for the SDK test" })).description).toBe("for the SDK test");
    const { secret } = await sdk.getSigningSecret();
    await sdk.pingWebhook(hook.id);
    await receiver.waitFor((all) => all.filter((w) => w.path === "/sdk-hooks").length >= 1, 15_000);
    const first = receiver.received.find((w) => w.path === "/sdk-hooks")!;
    expect(verifyWebhook(first.rawBody, first.headers as Record<string, string>, secret)).toBe(true);
    // The reference's scheme alone (no Standard Webhooks headers).
    expect(verifyWebhook(first.rawBody, { "x-agents-signature": String(first.headers["x-agents-signature"]) }, secret)).toBe(true);
    // Tampered body, wrong secret, stale timestamp: refused.
    const tampered = Buffer.from(first.rawBody.toString("utf8").replace("webhook.test", "webhook.tost"));
    expect(verifyWebhook(tampered, first.headers as Record<string, string>, secret)).toBe(false);
    expect(verifyWebhook(first.rawBody, { "x-agents-signature": String(first.headers["x-agents-signature"]) }, `${secret}x`)).toBe(false);
    expect(verifyWebhook(first.rawBody, first.headers as Record<string, string>, secret, { now: Date.now() + 3_600_000 })).toBe(false);

    // During a rotation both secrets verify the new deliveries.
    const rotated = await sdk.rotateSigningSecret();
    expect(rotated.secret).not.toBe(secret);
    await sdk.pingWebhook(hook.id);
    await receiver.waitFor((all) => all.filter((w) => w.path === "/sdk-hooks").length >= 2, 15_000);
    const second = receiver.received.filter((w) => w.path === "/sdk-hooks")[1]!;
    expect(verifyWebhook(second.rawBody, second.headers as Record<string, string>, rotated.secret)).toBe(true);
    expect(verifyWebhook(second.rawBody, second.headers as Record<string, string>, secret)).toBe(true);
    expect(verifyWebhook(second.rawBody, { "x-agents-signature-previous": String(second.headers["x-agents-signature-previous"]) }, secret)).toBe(true);

    const deliveries = [];
    for await (const d of sdk.iterDeliveries(hook.id)) deliveries.push(d);
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    expect((await sdk.listDeliveries(hook.id, { limit: 1 })).items).toHaveLength(1);
    await sdk.deleteWebhook(hook.id);
    expect(await sdk.getWebhook(hook.id).catch((err: unknown) => err)).toBeInstanceOf(NotFoundError);
  });

  it("agents and tasks: every method once", async () => {
    const { sdk } = await client("sdk-agents");
    const agent = await sdk.createAgent({ initial_url: `${site.origin}/simple`, ttl_seconds: 300 });
    expect(agent.cdp_url).toContain(`/v1/cdp/${agent.id}?token=`);
    expect((await sdk.getAgent(agent.id)).status).toBe("running");
    expect((await sdk.listAgents()).items.map((a) => a.id)).toEqual([agent.id]);
    const agents = [];
    for await (const a of sdk.iterAgents({ status: "running" })) agents.push(a);
    expect(agents).toHaveLength(1);
    expect((await sdk.getAgentCdp(agent.id)).cdp_url).toContain(agent.id);
    expect((await sdk.createPreviewToken(agent.id)).live_url).toContain(`/live/${agent.id}`);
    expect((await sdk.agentScreenshot(agent.id)).url).toBe(`${site.origin}/simple`);
    expect(typeof (await sdk.getFingerprint(agent.id)).user_agent).toBe("string");
    await sdk.getDetectionSignal(agent.id);
    expect(typeof (await sdk.getTrust(agent.id)).trust_score).toBe("number");
    expect((await sdk.listAgentSessions(agent.id)).items.length).toBe(1);
    await sdk.deleteAgent(agent.id);

    const persistent = await sdk.createAgent({ mode: "persistent", ttl_seconds: 300 });
    await sdk.deleteAgentSession(persistent.id, persistent.session_id!);
    const session = await sdk.createAgentSession(persistent.id, { ttl_seconds: 120 });
    expect(session.status).toBe("running");
    await sdk.deleteAgent(persistent.id);

    const task = await sdk.createTask({ task: "Ask me which one", llm: "openai:any", llm_api_key: "sk-sdk-test", llm_base_url: llm.baseUrl, initial_url: `${site.origin}/simple` });
    const waiting = await sdk.waitForJob(task.id, { untilInputRequired: true, timeoutMs: 60_000 });
    expect(waiting).toMatchObject({ status: "input_required", result: { question: "Which one?" } });
    expect((await sdk.respondToJob(task.id, "the second")).status).toBe("running");
    const done = await sdk.waitForJob(task.id, { timeoutMs: 60_000 });
    expect((done.result as { final_result: string }).final_result).toBe("the second");
    expect(await sdk.respondToJob(task.id, "again").catch((err: unknown) => err)).toBeInstanceOf(JobNotWaitingError);
    const steps = [];
    for await (const step of sdk.iterTaskSteps(task.id)) steps.push(step.action);
    expect(steps).toEqual(["ask_user", "done"]);
    expect((await sdk.listTaskSteps(task.id, { limit: 1 })).next_cursor).toBe("1");
    const routed = await sdk.auto({ task: `Fetch ${site.origin}/simple and return it` });
    expect((routed as { routed_via: string }).routed_via).toBe("scrape");
  });
});
