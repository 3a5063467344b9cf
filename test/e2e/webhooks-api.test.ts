import { expect, it } from "vitest";
import { apiClient } from "../support/http-client.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

interface WebhookView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: string;
}

// No worker and no dispatcher: these are the control-plane endpoints only.
const ctx = useStackWithSite({ api: "in-process", workers: 0 });

const client = async () => apiClient(ctx.stack.apiUrl, (await ctx.stack.newWorkspace("hooks")).apiKey);

it("creates, lists, reads, updates and deletes a webhook", async () => {
  const api = await client();
  const created = await api.post<WebhookView>("/v1/webhooks", { url: "http://127.0.0.1:9/hook", events: ["job.completed", "job.completed", "job.failed"], description: "ci" });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ url: "http://127.0.0.1:9/hook", events: ["job.completed", "job.failed"], description: "ci", enabled: true, disabled_reason: null });
  expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
  expect(new Date(created.body.created_at).toISOString()).toBe(created.body.created_at);

  const all = await api.post<WebhookView>("/v1/webhooks", { url: "http://localhost:9/all" });
  expect(all.status).toBe(201);
  expect(all.body.events).toEqual([]);

  const page1 = await api.get<{ items: WebhookView[]; next_cursor: string | null }>("/v1/webhooks?limit=1");
  expect(page1.body.items.map((w) => w.id)).toEqual([all.body.id]);
  const page2 = await api.get<{ items: WebhookView[]; next_cursor: string | null }>(`/v1/webhooks?limit=1&cursor=${page1.body.next_cursor}`);
  expect(page2.body).toEqual({ items: [created.body], next_cursor: null });

  expect((await api.get(`/v1/webhooks/${created.body.id}`)).body).toEqual(created.body);
  const patched = await api.call<WebhookView>("PATCH", `/v1/webhooks/${created.body.id}`, { json: { events: [], enabled: false } });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({ events: [], enabled: false, disabled_reason: "disabled by the workspace" });
  const reenabled = await api.call<WebhookView>("PATCH", `/v1/webhooks/${created.body.id}`, { json: { enabled: true } });
  expect(reenabled.body).toMatchObject({ enabled: true, disabled_reason: null });

  expect((await api.call("DELETE", `/v1/webhooks/${created.body.id}`)).status).toBe(204);
  expect((await api.get(`/v1/webhooks/${created.body.id}`)).body).toMatchObject({ code: "NOT_FOUND" });
  expect((await api.call("DELETE", `/v1/webhooks/${created.body.id}`)).status).toBe(404);
});

it("hides another workspace's webhooks behind 404 and rejects ids that are not UUIDs", async () => {
  const owner = await client();
  const other = await client();
  const hook = await owner.post<WebhookView>("/v1/webhooks", { url: "http://127.0.0.1:9/hook" });
  for (const [method, path] of [
    ["GET", `/v1/webhooks/${hook.body.id}`],
    ["PATCH", `/v1/webhooks/${hook.body.id}`],
    ["DELETE", `/v1/webhooks/${hook.body.id}`],
    ["POST", `/v1/webhooks/${hook.body.id}/ping`],
    ["POST", `/v1/webhooks/${hook.body.id}/test`],
    ["GET", `/v1/webhooks/${hook.body.id}/deliveries`],
  ] as const) {
    const res = await other.call(method, path, method === "PATCH" ? { json: { enabled: false } } : {});
    expect(res.status, `${method} ${path}`).toBe(404);
    expect(res.body).toMatchObject({ code: "NOT_FOUND" });
  }
  expect((await other.get("/v1/webhooks")).body).toEqual({ items: [], next_cursor: null });
  const bad = await owner.get("/v1/webhooks/not-a-uuid");
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ code: "INVALID_ID" });
});

it("validates the body and lists every bad field", async () => {
  const api = await client();
  const res = await api.post("/v1/webhooks", { url: "ftp://example/x", events: ["job.exploded"], extra: 1 });
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ code: "BAD_REQUEST", request_id: expect.any(String) });
  const paths = (res.body.details as { path: string }[]).map((d) => d.path);
  expect(paths).toEqual(expect.arrayContaining(["url", "events.0", "(root)"]));
  expect((await api.post("/v1/webhooks", {})).status).toBe(400);
  expect((await api.post("/v1/webhooks", { url: "http://user:pw@127.0.0.1:9/" })).status).toBe(400);
  expect((await api.call("PATCH", "/v1/webhooks/00000000-0000-4000-8000-000000000000", { json: {} })).status).toBe(400);
});

it("refuses private, link-local and metadata addresses, and plain http to public hosts, with 422", async () => {
  const api = await client();
  for (const url of ["http://10.0.0.1/hook", "https://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data", "https://[fd00::1]/x", "https://192.168.1.10/x", "http://8.8.8.8/hook"]) {
    const res = await api.post("/v1/webhooks", { url });
    expect(res.status, url).toBe(422);
    expect(res.body, url).toMatchObject({ code: "URL_NOT_ALLOWED" });
  }
  expect((await api.get("/v1/webhooks")).body).toEqual({ items: [], next_cursor: null });
});

it("shows the signing secret and rotates it, keeping the old one valid for 24 h", async () => {
  const api = await client();
  const first = await api.get<{ secret: string; previous_secret_expires_at: string | null }>("/v1/webhooks/signing-secret");
  expect(first.status).toBe(200);
  expect(first.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  expect(Buffer.from(first.body.secret.slice(6), "base64")).toHaveLength(32);
  expect(first.body.previous_secret_expires_at).toBeNull();
  const rotated = await api.post<{ secret: string; previous_secret_expires_at: string }>("/v1/webhooks/signing-secret/rotate");
  expect(rotated.status).toBe(200);
  expect(rotated.body.secret).not.toBe(first.body.secret);
  const grace = new Date(rotated.body.previous_secret_expires_at).getTime() - Date.now();
  expect(grace).toBeGreaterThan(23 * 3_600_000);
  expect(grace).toBeLessThanOrEqual(24 * 3_600_000);
  expect((await api.get("/v1/webhooks/signing-secret")).body).toEqual(rotated.body);
});

it("queues a ping and shows an empty delivery log until a dispatcher sends it", async () => {
  const api = await client();
  const hook = await api.post<WebhookView>("/v1/webhooks", { url: "http://127.0.0.1:9/hook", events: ["job.failed"] });
  const ping = await api.post<{ event_id: string }>(`/v1/webhooks/${hook.body.id}/ping`);
  expect(ping.status).toBe(202);
  expect(ping.body.event_id).toMatch(/^evt_[0-9a-f]{24}$/);
  const test = await api.post<{ event_id: string }>(`/v1/webhooks/${hook.body.id}/test`);
  expect(test.status).toBe(202);
  expect(test.body.event_id).not.toBe(ping.body.event_id);
  expect((await api.get(`/v1/webhooks/${hook.body.id}/deliveries`)).body).toEqual({ items: [], next_cursor: null });
  expect((await api.get(`/v1/webhooks/${hook.body.id}/deliveries?limit=201`)).status).toBe(400);
  const tasks = await ctx.stack.prisma.webhookTask.findMany({ where: { endpointId: hook.body.id } });
  expect(tasks.map((t) => t.eventId).sort()).toEqual([ping.body.event_id, test.body.event_id].sort());
});
