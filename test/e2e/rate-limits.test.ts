import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, setWorkspaceRateLimits } from "@browserfleet/db";
import { apiClient, type TestResponse } from "../support/http-client.ts";
import { startPrivateRedis, type PrivateRedis } from "../support/private-redis.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

// Two API processes on one database, one Redis and one QUEUE_PREFIX: the replicas of one fleet.
let stack: TestStack<ApiHandle>;
let second: ApiHandle;
let urls: [string, string];

beforeAll(async () => {
  stack = await startTestStack({ api: "in-process", workers: 0 });
  second = await stack.startApi();
  urls = [stack.apiUrl, `http://127.0.0.1:${second.port}`];
});

afterAll(async () => {
  await stack?.stop();
});

const header = (res: TestResponse, name: string): number => Number(res.headers.get(name));
const isWholeSeconds = (value: string | null, max: number): boolean => value !== null && /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= max;

function expectTooManyRequests(res: TestResponse, windowSeconds: number): void {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ code: "TOO_MANY_REQUESTS", error: expect.any(String), request_id: expect.any(String) });
  expect(isWholeSeconds(res.headers.get("retry-after"), windowSeconds), `Retry-After ${res.headers.get("retry-after")}`).toBe(true);
  expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
}

describe("requests per minute per API key", () => {
  it("puts the limit headers on every authenticated answer, errors included, and none on a 401", async () => {
    const { apiKey } = await stack.newWorkspace("defaults");
    const client = apiClient(stack.apiUrl, apiKey);
    const ok = await client.get("/v1/credits");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-ratelimit-limit")).toBe("600");
    expect(ok.headers.get("x-ratelimit-remaining")).toBe("599");
    expect(isWholeSeconds(ok.headers.get("x-ratelimit-reset"), 60)).toBe(true);

    const bad = await client.get("/v1/jobs/not-a-uuid");
    expect(bad.status).toBe(400);
    expect(bad.headers.get("x-ratelimit-limit")).toBe("600");
    expect(bad.headers.get("x-ratelimit-remaining")).toBe("598");
    const missing = await client.get("/v1/no-such-route");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-ratelimit-remaining")).toBe("597");

    const anonymous = await apiClient(stack.apiUrl).get("/v1/credits");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("x-ratelimit-limit")).toBeNull();
  });

  it("holds across two API processes: headers count down on both and accepted requests never exceed the limit", async () => {
    const limit = 20;
    const { workspaceId, apiKey } = await stack.newWorkspace("shared-limit");
    await setWorkspaceRateLimits(stack.prisma, workspaceId, { requestsPerMinute: limit });
    const clients = urls.map((url) => apiClient(url, apiKey));

    // Alternating between the replicas, Remaining falls by one each time: they share one counter.
    const remaining: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const res = await clients[i % 2]!.get("/v1/credits");
      expect(res.status).toBe(200);
      expect(header(res, "x-ratelimit-limit")).toBe(limit);
      remaining.push(header(res, "x-ratelimit-remaining"));
    }
    expect(remaining).toEqual(Array.from({ length: 8 }, (_, i) => limit - 1 - i));

    // A burst three times the rest of the budget, split over both replicas at once.
    const burst = await Promise.all(Array.from({ length: 36 }, (_, i) => clients[i % 2]!.get("/v1/jobs?limit=1")));
    const accepted = burst.filter((r) => r.status === 200);
    expect(accepted).toHaveLength(limit - 8);
    for (const res of burst.filter((r) => r.status !== 200)) expectTooManyRequests(res, 60);
    expect(accepted.map((r) => header(r, "x-ratelimit-remaining")).sort((a, b) => a - b)).toEqual(Array.from({ length: limit - 8 }, (_, i) => i));

    // Spent on both replicas; another key of the same workspace has a budget of its own.
    for (const client of clients) expectTooManyRequests(await client.get("/v1/credits"), 60);
    const other = await createApiKey(stack.prisma, { workspaceId, name: "other", maxActiveKeys: 50 });
    const fresh = await apiClient(urls[1], other.key).get("/v1/credits");
    expect(fresh.status).toBe(200);
    expect(header(fresh, "x-ratelimit-remaining")).toBe(limit - 1);
  });

  it("applies a changed limit from the next request, keeping what was already counted", async () => {
    const { workspaceId, apiKey } = await stack.newWorkspace("changed");
    const client = apiClient(urls[1], apiKey);
    expect(header(await client.get("/v1/credits"), "x-ratelimit-remaining")).toBe(599);
    await setWorkspaceRateLimits(stack.prisma, workspaceId, { requestsPerMinute: 3 });
    const res = await client.get("/v1/credits");
    expect(header(res, "x-ratelimit-limit")).toBe(3);
    expect(header(res, "x-ratelimit-remaining")).toBe(1);
    expect((await client.get("/v1/credits")).status).toBe(200);
    expectTooManyRequests(await client.get("/v1/credits"), 60);
  });
});

describe("job submissions per second per workspace", () => {
  it("refuses submissions past the limit across both processes with 429 and Retry-After, creating no job", async () => {
    const { workspaceId, apiKey } = await stack.newWorkspace("submitter");
    await setWorkspaceRateLimits(stack.prisma, workspaceId, { submissionsPerSecond: 1 });
    const clients = urls.map((url) => apiClient(url, apiKey));
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) => clients[i % 2]!.post("/v1/quick/batch", { urls: ["http://127.0.0.1:9/never-rendered"] })),
    );
    const accepted = burst.filter((r) => r.status === 202);
    const refused = burst.filter((r) => r.status === 429);
    expect(accepted.length + refused.length).toBe(burst.length);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const res of refused) {
      expectTooManyRequests(res, 1);
      // The 429's headers describe the limit that refused it: submissions per second.
      expect(res.headers.get("x-ratelimit-limit")).toBe("1");
    }
    for (const res of accepted) expect(res.headers.get("x-ratelimit-limit")).toBe("600");
    expect(await stack.prisma.job.count({ where: { workspaceId } })).toBe(accepted.length);

    // Reads are not submissions.
    const reads = await Promise.all(clients.map((c) => c.get("/v1/jobs")));
    expect(reads.map((r) => r.status)).toEqual([200, 200]);
  });
});

describe("one spelling per route", () => {
  it("gives no extra submissions to other letter cases or a trailing slash: they are no route, so they create nothing", async () => {
    const { workspaceId, apiKey } = await stack.newWorkspace("spellings");
    await setWorkspaceRateLimits(stack.prisma, workspaceId, { submissionsPerSecond: 1 });
    const client = apiClient(stack.apiUrl, apiKey);
    const scrape = { url: "http://127.0.0.1:9/never-rendered", async: true };
    const batch = { urls: ["http://127.0.0.1:9/never-rendered"] };
    const canonical = [await client.post("/v1/quick/scrape", scrape), await client.post("/v1/quick/scrape", scrape)];
    const variants = await Promise.all([
      ...["/v1/QUICK/scrape", "/v1/Quick/Scrape", "/v1/quick/SCRAPE", "/V1/quick/scrape", "/v1/quick/scrape/"].map((path) => client.post(path, scrape)),
      ...["/v1/quick/Batch", "/v1/quick/batch/"].map((path) => client.post(path, batch)),
      client.call("POST", "/v1/QUICK/scrape", { json: scrape, headers: { "idempotency-key": "spelling-1" } }),
    ]);
    for (const res of variants) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: "NOT_FOUND", request_id: expect.any(String) });
    }
    // The canonical path alone is limited (a window may end between the two, so the second may pass too).
    expect(canonical[0]!.status).toBe(202);
    expect([202, 429]).toContain(canonical[1]!.status);
    expect(await stack.prisma.job.count({ where: { workspaceId } })).toBe(canonical.filter((r) => r.status === 202).length);
    expect(await stack.prisma.idempotencyKey.count({ where: { workspaceId } })).toBe(0);
  });
});

describe("when Redis is unreachable", () => {
  let redis: PrivateRedis;
  let api: ApiHandle;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    api = await stack.startApi({ REDIS_URL: redis.url });
  });

  afterAll(async () => {
    await api?.stop("SIGKILL");
    await redis?.stop();
  });

  it("fails open: answers from Postgres without limit headers instead of hanging or refusing", async () => {
    const { apiKey } = await stack.newWorkspace("outage");
    const client = apiClient(`http://127.0.0.1:${api.port}`, apiKey);
    const before = await client.get("/v1/credits");
    expect(before.status).toBe(200);
    expect(before.headers.get("x-ratelimit-limit")).toBe("600");

    await redis.stop();
    const during = await client.get("/v1/credits");
    expect(during.status).toBe(200);
    expect(during.headers.get("x-ratelimit-limit")).toBeNull();
    // The warning reaches us through the child's stdout pipe, possibly after the answer.
    const deadline = Date.now() + 10_000;
    while (!api.logs.some((line) => line.includes("rate limiter unavailable")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(api.logs.some((line) => line.includes("rate limiter unavailable"))).toBe(true);
  });
});
