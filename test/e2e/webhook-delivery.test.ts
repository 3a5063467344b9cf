import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { apiClient } from "../support/http-client.ts";
import { waitForJob } from "../support/job-polling.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from "../support/webhook-receiver.ts";

// The reference's sample verifier, unchanged.
function verify(rawBody: Buffer, header: string, secret: string): boolean { const expected = createHmac("sha256", secret).update(rawBody).digest("hex"); return timingSafeEqual(Buffer.from(expected), Buffer.from(header)); }

interface Delivery {
  event_id: string;
  event_type: string;
  attempt: number;
  status_code: number | null;
  delivered_at: string;
  duration_ms: number | null;
  error: string | null;
  next_attempt_at: string | null;
}

// 0.001: the schedule's 5 s, 5 min, 30 min become 5 ms, 300 ms, 1.8 s.
const ctx = useStackWithSite({
  dispatchers: 1,
  env: { WEBHOOK_RETRY_SCALE: "0.001", WEBHOOK_TIMEOUT_MS: "3000", WEBHOOK_DISABLE_AFTER_MS: "1500", WEBHOOK_POLL_MS: "50" },
});
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

async function workspaceWithHook(path: string, events: string[] = []) {
  const { apiKey, workspaceId } = await ctx.stack.newWorkspace(path);
  const api = apiClient(ctx.stack.apiUrl, apiKey);
  const hook = await api.post<{ id: string }>("/v1/webhooks", { url: receiver.url(path), events });
  expect(hook.status).toBe(201);
  return { api, workspaceId, hookId: hook.body.id };
}

const deliveriesOf = async (api: ReturnType<typeof apiClient>, hookId: string): Promise<Delivery[]> =>
  (await api.get<{ items: Delivery[] }>(`/v1/webhooks/${hookId}/deliveries?limit=200`)).body.items;

async function waitForDeliveries(api: ReturnType<typeof apiClient>, hookId: string, done: (d: Delivery[]) => boolean): Promise<Delivery[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = await deliveriesOf(api, hookId);
    if (done(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`deliveries never settled: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const at = (path: string) => (all: ReceivedWebhook[]) => all.filter((r) => r.path === path);

it("signs every delivery so the reference's verify() and the standardwebhooks verifier accept it, and a tampered body fails both", async () => {
  const { api, hookId, workspaceId } = await workspaceWithHook("/signed");
  const secret = (await api.get<{ secret: string }>("/v1/webhooks/signing-secret")).body.secret;
  const ping = await api.post<{ event_id: string }>(`/v1/webhooks/${hookId}/ping`);
  await receiver.waitFor((all) => at("/signed")(all).length === 1);
  const got = at("/signed")(receiver.received)[0]!;

  expect(got.headers["content-type"]).toBe("application/json");
  expect(got.body).toMatchObject({ id: ping.body.event_id, type: "webhook.test", workspace_id: workspaceId, data: { message: expect.any(String) } });
  expect(got.headers["webhook-id"]).toBe(ping.body.event_id);
  expect(Math.abs(Number(got.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
  expect(verify(got.rawBody, String(got.headers["x-agents-signature"]), secret)).toBe(true);
  const standard = new Webhook(secret);
  const headers = { "webhook-id": String(got.headers["webhook-id"]), "webhook-timestamp": String(got.headers["webhook-timestamp"]), "webhook-signature": String(got.headers["webhook-signature"]) };
  expect(standard.verify(got.rawBody.toString("utf8"), headers)).toEqual(got.body);

  const tampered = Buffer.from(got.rawBody.toString("utf8").replace("webhook.test", "webhook.tesT"));
  expect(verify(tampered, String(got.headers["x-agents-signature"]), secret)).toBe(false);
  expect(() => standard.verify(tampered.toString("utf8"), headers)).toThrow();
  expect(got.headers["x-agents-signature-previous"]).toBeUndefined();
});

it("signs with both secrets for 24 h after a rotation", async () => {
  const { api, hookId } = await workspaceWithHook("/rotated");
  const old = (await api.get<{ secret: string }>("/v1/webhooks/signing-secret")).body.secret;
  const fresh = (await api.post<{ secret: string }>("/v1/webhooks/signing-secret/rotate")).body.secret;
  await api.post(`/v1/webhooks/${hookId}/ping`);
  await receiver.waitFor((all) => at("/rotated")(all).length === 1);
  const got = at("/rotated")(receiver.received)[0]!;
  expect(verify(got.rawBody, String(got.headers["x-agents-signature"]), fresh)).toBe(true);
  expect(verify(got.rawBody, String(got.headers["x-agents-signature-previous"]), old)).toBe(true);
  const headers = { "webhook-id": String(got.headers["webhook-id"]), "webhook-timestamp": String(got.headers["webhook-timestamp"]), "webhook-signature": String(got.headers["webhook-signature"]) };
  expect(String(got.headers["webhook-signature"]).split(" ")).toHaveLength(2);
  for (const secret of [old, fresh]) expect(new Webhook(secret).verify(got.rawBody.toString("utf8"), headers)).toEqual(got.body);
});

it("retries 500, 500 then takes 200: three attempts in the log with the same event id", async () => {
  receiver.on("/flaky", ({ n }) => ({ status: n <= 2 ? 500 : 200 }));
  const { api, hookId } = await workspaceWithHook("/flaky");
  const ping = await api.post<{ event_id: string }>(`/v1/webhooks/${hookId}/ping`);
  const rows = await waitForDeliveries(api, hookId, (d) => d.some((x) => x.status_code === 200));
  expect(rows.map((d) => [d.attempt, d.status_code])).toEqual([[3, 200], [2, 500], [1, 500]]);
  expect(new Set(rows.map((d) => d.event_id))).toEqual(new Set([ping.body.event_id]));
  expect(rows.every((d) => d.event_type === "webhook.test" && typeof d.duration_ms === "number")).toBe(true);
  const [third, second, first] = rows as [Delivery, Delivery, Delivery];
  expect(third).toMatchObject({ error: null, next_attempt_at: null });
  for (const failed of [first, second]) {
    expect(failed.error).toBe("receiver answered 500");
    expect(new Date(failed.next_attempt_at!).getTime()).toBeGreaterThan(new Date(failed.delivered_at).getTime());
  }
  const bodies = at("/flaky")(receiver.received).map((r) => r.rawBody.toString("utf8"));
  expect(bodies).toHaveLength(3);
  expect(new Set(bodies).size).toBe(1);
});

it("honours Retry-After over the (scaled) schedule", async () => {
  receiver.on("/busy", ({ n }) => (n === 1 ? { status: 503, headers: { "retry-after": "2" } } : { status: 204 }));
  const { api, hookId } = await workspaceWithHook("/busy");
  await api.post(`/v1/webhooks/${hookId}/ping`);
  const rows = await waitForDeliveries(api, hookId, (d) => d.some((x) => x.status_code === 204));
  const first = rows.find((d) => d.attempt === 1)!;
  expect(first.status_code).toBe(503);
  expect(new Date(first.next_attempt_at!).getTime() - new Date(first.delivered_at).getTime()).toBeGreaterThanOrEqual(2_000);
  const arrivals = at("/busy")(receiver.received).map((r) => r.receivedAt);
  expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1_900);
});

it("fires job.completed and job.failed for async jobs, filtered per endpoint; sync calls fire nothing; ping and test reach a filtered endpoint", async () => {
  const { apiKey } = await ctx.stack.newWorkspace("jobs");
  const api = apiClient(ctx.stack.apiUrl, apiKey);
  const failedOnly = (await api.post<{ id: string }>("/v1/webhooks", { url: receiver.url("/failed-only"), events: ["job.failed"] })).body.id;
  const everything = (await api.post<{ id: string }>("/v1/webhooks", { url: receiver.url("/everything") })).body.id;

  const sync = await api.post<{ job_id: string }>("/v1/quick/scrape", { url: `${ctx.site.origin}/simple` });
  expect(sync.status).toBe(200);
  const ok = await api.post<{ job_id: string }>("/v1/quick/scrape", { url: `${ctx.site.origin}/simple`, async: true });
  const bad = await api.post<{ job_id: string }>("/v1/quick/scrape", { url: "http://127.0.0.1:9/closed", async: true });
  expect([ok.status, bad.status]).toEqual([202, 202]);
  await waitForJob(api, ok.body.job_id);
  await waitForJob(api, bad.body.job_id);
  await api.post(`/v1/webhooks/${failedOnly}/ping`);
  await api.post(`/v1/webhooks/${failedOnly}/test`);

  await receiver.waitFor((all) => at("/everything")(all).length >= 2 && at("/failed-only")(all).length >= 3);
  const everythingGot = at("/everything")(receiver.received).map((r) => [r.body.type, r.body.data.job_id]);
  expect(everythingGot).toEqual(expect.arrayContaining([["job.completed", ok.body.job_id], ["job.failed", bad.body.job_id]]));
  const completed = at("/everything")(receiver.received).find((r) => r.body.type === "job.completed")!;
  expect(completed.body.data).toMatchObject({ job_id: ok.body.job_id, kind: "scrape", progress_done: 1, progress_total: 1, credits_charged: 1 });
  const failed = at("/failed-only")(receiver.received).find((r) => r.body.type === "job.failed")!;
  expect(failed.body.data).toMatchObject({ job_id: bad.body.job_id, kind: "scrape", error_code: expect.any(String), error_message: expect.any(String) });
  expect(at("/failed-only")(receiver.received).map((r) => r.body.type).sort()).toEqual(["job.failed", "webhook.test", "webhook.test"]);

  // The sync job wrote no event at all, so nothing can ever be sent for it.
  const events = await ctx.stack.prisma.outboxEvent.findMany({ where: { type: { startsWith: "job." } } });
  expect(events.some((e) => (e.data as { job_id?: string }).job_id === sync.body.job_id)).toBe(false);
  expect(receiver.received.some((r) => r.body.data.job_id === sync.body.job_id)).toBe(false);
  expect((await deliveriesOf(api, everything)).every((d) => d.status_code === 200)).toBe(true);
});

it("disables an endpoint that answers 410 Gone", async () => {
  receiver.on("/gone", () => ({ status: 410 }));
  const { api, hookId } = await workspaceWithHook("/gone");
  await api.post(`/v1/webhooks/${hookId}/ping`);
  const rows = await waitForDeliveries(api, hookId, (d) => d.length >= 1);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ status_code: 410, next_attempt_at: null });
  expect(rows[0]!.error).toContain("endpoint disabled");
  expect((await api.get(`/v1/webhooks/${hookId}`)).body).toMatchObject({ enabled: false, disabled_reason: "the receiver answered 410 Gone" });
});

it("disables an endpoint that has failed everything for the configured window, and the last row says why", async () => {
  receiver.on("/down", () => ({ status: 502 }));
  const { api, hookId } = await workspaceWithHook("/down");
  await api.post(`/v1/webhooks/${hookId}/ping`);
  const rows = await waitForDeliveries(api, hookId, (d) => d.some((x) => x.error?.includes("endpoint disabled") ?? false));
  expect(rows[0]!.error).toMatch(/endpoint disabled: every delivery has failed since/);
  expect(rows[0]!.next_attempt_at).toBeNull();
  expect(rows.slice(1).every((d) => d.status_code === 502 && d.next_attempt_at !== null)).toBe(true);
  const hook = (await api.get<{ enabled: boolean; disabled_reason: string }>(`/v1/webhooks/${hookId}`)).body;
  expect(hook.enabled).toBe(false);
  expect(hook.disabled_reason).toMatch(/every delivery has failed since/);
});

it("exports delivery outcomes, attempt latency and outbox lag on the dispatcher's /metrics", async () => {
  const metrics = await (await fetch(`http://127.0.0.1:${ctx.stack.dispatchers[0]!.port}/metrics`)).text();
  expect(metrics).toMatch(/browserfleet_webhook_deliveries_total\{[^}]*outcome="delivered"[^}]*\} [1-9]/);
  expect(metrics).toMatch(/browserfleet_webhook_deliveries_total\{[^}]*outcome="retry"[^}]*\} [1-9]/);
  expect(metrics).toMatch(/browserfleet_webhook_deliveries_total\{[^}]*outcome="disabled"[^}]*\} [1-9]/);
  expect(metrics).toMatch(/browserfleet_webhook_attempt_duration_seconds_count\{[^}]*outcome="delivered"[^}]*\} [1-9]/);
  expect(metrics).toMatch(/browserfleet_webhook_fan_out_lag_seconds_count\{[^}]*\} [1-9]/);
  expect(metrics).toMatch(/browserfleet_webhook_outbox_lag_seconds\{[^}]*\} \d/);
});

it("refuses to send when the receiver's name resolves to a private address at send time", async () => {
  // The API resolves hooks.test to loopback (allowed here); the dispatcher, later, to 10.0.0.1.
  const api2 = await ctx.stack.startApi({ DNS_STATIC_HOSTS: JSON.stringify({ "hooks.test": "127.0.0.1" }) });
  const dispatcher = await ctx.stack.startDispatcher({ DNS_STATIC_HOSTS: JSON.stringify({ "hooks.test": "10.0.0.1" }) });
  try {
    const { apiKey } = await ctx.stack.newWorkspace("rebind");
    const api = apiClient(`http://127.0.0.1:${api2.port}`, apiKey);
    const hook = await api.post<{ id: string }>("/v1/webhooks", { url: `http://hooks.test:${receiver.port}/rebound` });
    expect(hook.status).toBe(201);
    // Only the dispatcher whose DNS now answers 10.0.0.1 may take the task.
    await ctx.stack.dispatchers[0]!.stop("SIGTERM");
    await api.post(`/v1/webhooks/${hook.body.id}/ping`);
    const rows = await waitForDeliveries(api, hook.body.id, (d) => d.length >= 1);
    expect(rows[0]!.error).toMatch(/^URL_NOT_ALLOWED: hooks\.test resolves to 10\.0\.0\.1/);
    expect(rows[0]!.status_code).toBeNull();
    expect(at("/rebound")(receiver.received)).toHaveLength(0);
  } finally {
    await dispatcher.stop("SIGTERM");
    await api2.stop("SIGTERM");
  }
});
