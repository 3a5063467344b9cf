import { beforeAll, describe, expect, it } from "vitest";
import { apiClient } from "../support/http-client.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

const ctx = useStackWithSite();
let a: { workspaceId: string; apiKey: string };
let b: { workspaceId: string; apiKey: string };

beforeAll(async () => {
  a = await ctx.stack.newWorkspace("a");
  b = await ctx.stack.newWorkspace("b");
});

const expectEnvelope = (body: Record<string, unknown>, code: string): void => {
  expect(body.code).toBe(code);
  expect(typeof body.error).toBe("string");
  expect(typeof body.request_id).toBe("string");
};

describe("auth", () => {
  it("answers 401 UNAUTHORIZED without a key", async () => {
    const res = await apiClient(ctx.stack.apiUrl).get("/v1/jobs");
    expect(res.status).toBe(401);
    expectEnvelope(res.body, "UNAUTHORIZED");
  });

  it("answers 401 INVALID_API_KEY for a malformed, unknown or non-Bearer key", async () => {
    const variants: Record<string, string>[] = [
      { "x-api-key": "nope" },
      { "x-api-key": `agt_live_${"0".repeat(32)}` },
      { authorization: `Bearer agt_live_${"f".repeat(32)}` },
      { authorization: "Basic Zm9vOmJhcg==" },
    ];
    for (const headers of variants) {
      const res = await apiClient(ctx.stack.apiUrl).get("/v1/jobs", headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expectEnvelope(res.body, "INVALID_API_KEY");
    }
  });

  it("accepts the key as X-API-Key and as a Bearer token", async () => {
    expect((await apiClient(ctx.stack.apiUrl, a.apiKey).get("/v1/jobs")).status).toBe(200);
    expect((await apiClient(ctx.stack.apiUrl).get("/v1/jobs", { authorization: `Bearer ${a.apiKey}` })).status).toBe(200);
  });

  it("refuses a revoked key", async () => {
    const c = await ctx.stack.newWorkspace("c");
    await ctx.stack.prisma.apiKey.updateMany({ where: { workspaceId: c.workspaceId }, data: { revokedAt: new Date() } });
    const res = await apiClient(ctx.stack.apiUrl, c.apiKey).get("/v1/jobs");
    expect(res.status).toBe(401);
    expectEnvelope(res.body, "INVALID_API_KEY");
  });
});

describe("request ids and error envelopes", () => {
  it("echoes a valid X-Request-Id in the header and the error body", async () => {
    const res = await apiClient(ctx.stack.apiUrl).get("/v1/jobs", { "x-request-id": "req-abc-123" });
    expect(res.headers.get("x-request-id")).toBe("req-abc-123");
    expect(res.body.request_id).toBe("req-abc-123");
  });

  it("generates a request id when none (or an unsafe one) is sent", async () => {
    const plain = await apiClient(ctx.stack.apiUrl, a.apiKey).get("/v1/jobs");
    expect(plain.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await apiClient(ctx.stack.apiUrl).get("/v1/jobs", { "x-request-id": "bad id with spaces" });
    expect(unsafe.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.body.request_id).toBe(unsafe.headers.get("x-request-id"));
  });

  it("answers 400 INVALID_ID for a path id that is not a UUID", async () => {
    const client = apiClient(ctx.stack.apiUrl, a.apiKey);
    for (const path of ["/v1/jobs/not-a-uuid", "/v1/jobs/123/status", "/v1/jobs/xyz/results"]) {
      const res = await client.get(path);
      expect(res.status, path).toBe(400);
      expectEnvelope(res.body, "INVALID_ID");
    }
  });

  it("answers 404 NOT_FOUND for an unknown route and an unknown job", async () => {
    const client = apiClient(ctx.stack.apiUrl, a.apiKey);
    const route = await client.get("/nowhere");
    expect(route.status).toBe(404);
    expectEnvelope(route.body, "NOT_FOUND");
    const job = await client.get("/v1/jobs/00000000-0000-4000-8000-000000000000");
    expect(job.status).toBe(404);
    expectEnvelope(job.body, "NOT_FOUND");
  });

  it("answers 415 for a non-JSON body, 400 for broken JSON, 413 past the size limit", async () => {
    const client = apiClient(ctx.stack.apiUrl, a.apiKey);
    const text = await client.call("POST", "/v1/quick/scrape", { rawBody: "url=x", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
    expectEnvelope(text.body, "UNSUPPORTED_MEDIA_TYPE");
    const broken = await client.call("POST", "/v1/quick/scrape", { rawBody: "{not json", headers: { "content-type": "application/json" } });
    expect(broken.status).toBe(400);
    expectEnvelope(broken.body, "BAD_REQUEST");
    const huge = await client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/simple`, pad: "x".repeat(1_100_000) });
    expect(huge.status).toBe(413);
    expectEnvelope(huge.body, "PAYLOAD_TOO_LARGE");
  });

  it("lists every invalid field in details", async () => {
    const res = await apiClient(ctx.stack.apiUrl, a.apiKey).post("/v1/quick/scrape", { url: 42, timeout_ms: 999_999, wait_until: "never" });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, "BAD_REQUEST");
    const paths = (res.body.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(["timeout_ms", "url", "wait_until"]);
  });
});

describe("workspace isolation", () => {
  it("answers 404 for another workspace's job, never 403", async () => {
    const created = await apiClient(ctx.stack.apiUrl, a.apiKey).post("/v1/quick/scrape", { url: `${ctx.site.origin}/simple`, async: true });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    const other = apiClient(ctx.stack.apiUrl, b.apiKey);
    for (const path of [`/v1/jobs/${id}`, `/v1/jobs/${id}/status`, `/v1/jobs/${id}/results`]) {
      const res = await other.get(path);
      expect(res.status, path).toBe(404);
      expectEnvelope(res.body, "NOT_FOUND");
    }
    const list = await other.get<{ items: { id: string }[] }>("/v1/jobs");
    expect(list.body.items.map((j) => j.id)).not.toContain(id);
  });
});

describe("ops endpoints", () => {
  it("serves /healthz, /readyz and /metrics without a key", async () => {
    const client = apiClient(ctx.stack.apiUrl);
    expect((await client.get("/healthz")).status).toBe(200);
    const ready = await client.get("/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe("ready");
    const metrics = await client.get<string>("/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain("browserfleet_http_requests_total");
  });

  it("serves the same on the worker's ops port", async () => {
    const worker = apiClient(`http://127.0.0.1:${ctx.stack.workers[0]!.port}`);
    expect((await worker.get("/healthz")).status).toBe(200);
    expect((await worker.get("/readyz")).status).toBe(200);
    expect((await worker.get<string>("/metrics")).body).toContain("browserfleet_pages_total");
  });
});
