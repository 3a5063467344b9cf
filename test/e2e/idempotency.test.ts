import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { waitUntil } from "../support/job-polling.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

const ctx = useStackWithSite();

interface RawAnswer {
  status: number;
  headers: Headers;
  bytes: Buffer;
  json: Record<string, unknown>;
}

/** POSTs exact body bytes and keeps the answer's exact bytes: replays are compared byte for byte. */
async function postRaw(baseUrl: string, apiKey: string, path: string, body: string, idempotencyKey?: string): Promise<RawAnswer> {
  const headers: Record<string, string> = { "x-api-key": apiKey, "content-type": "application/json" };
  if (idempotencyKey !== undefined) headers["idempotency-key"] = idempotencyKey;
  const res = await fetch(`${baseUrl}${path}`, { method: "POST", headers, body });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
  } catch {
    // not JSON; the bytes are what the test looks at
  }
  return { status: res.status, headers: res.headers, bytes, json };
}

/** A fresh workspace whose rate limits stay out of the way: these tests are about idempotency, not 429s. */
async function newWorkspace(): Promise<{ workspaceId: string; apiKey: string; post: (path: string, body: string, key?: string) => Promise<RawAnswer> }> {
  const ws = await ctx.stack.newWorkspace("idempotency");
  await ctx.stack.prisma.workspace.update({ where: { id: ws.workspaceId }, data: { submissionsPerSecond: 100_000, requestsPerMinute: 1_000_000 } });
  return { ...ws, post: (path, body, key) => postRaw(ctx.stack.apiUrl, ws.apiKey, path, body, key) };
}

async function footprint(workspaceId: string): Promise<{ jobs: number; ledger: number; balance: number }> {
  const [jobs, ledger, ws] = await Promise.all([
    ctx.stack.prisma.job.count({ where: { workspaceId } }),
    ctx.stack.prisma.creditLedgerEntry.count({ where: { workspaceId } }),
    ctx.stack.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { creditBalance: true } }),
  ]);
  return { jobs, ledger, balance: ws.creditBalance };
}

function keyRow(workspaceId: string, key: string) {
  return ctx.stack.prisma.idempotencyKey.findUnique({ where: { workspaceId_key: { workspaceId, key } } });
}

const isReplay = (a: RawAnswer) => a.headers.get("idempotent-replay") === "true";

it("50 concurrent identical POSTs with one key create exactly one job; the 2xx answers are byte-identical, the rest are 409", async () => {
  const ws = await newWorkspace();
  const key = randomUUID();
  const body = JSON.stringify({ urls: [`${ctx.site.origin}/simple`, `${ctx.site.origin}/page/1`] });
  const answers = await Promise.all(Array.from({ length: 50 }, () => ws.post("/v1/quick/batch", body, key)));

  const accepted = answers.filter((a) => a.status === 202);
  const conflicts = answers.filter((a) => a.status === 409);
  expect(accepted.length + conflicts.length, JSON.stringify(answers.map((a) => [a.status, a.json.code]))).toBe(50);
  expect(accepted.length).toBeGreaterThanOrEqual(1);
  for (const a of accepted) expect(a.bytes.equals(accepted[0]!.bytes)).toBe(true);
  expect(accepted.filter((a) => !isReplay(a))).toHaveLength(1);
  for (const c of conflicts) expect(c.json.code).toBe("IDEMPOTENCY_CONFLICT");

  expect(await ctx.stack.prisma.job.count({ where: { workspaceId: ws.workspaceId } })).toBe(1);
  const reserves = await ctx.stack.prisma.creditLedgerEntry.findMany({ where: { workspaceId: ws.workspaceId, reason: "job_reserve" } });
  expect(reserves.map((r) => [r.jobId, r.delta])).toEqual([[accepted[0]!.json.job_id, -2]]);

  // Once the first answer is stored, a retry is always a replay of the same bytes.
  const later = await ws.post("/v1/quick/batch", body, key);
  expect(later.status).toBe(202);
  expect(isReplay(later)).toBe(true);
  expect(later.bytes.equals(accepted[0]!.bytes)).toBe(true);
});

it("a replay creates nothing and charges nothing, and carries the original's content type", async () => {
  const ws = await newWorkspace();
  const key = randomUUID();
  const body = JSON.stringify({ url: `${ctx.site.origin}/simple`, formats: ["text"] });
  const first = await ws.post("/v1/quick/scrape", body, key);
  expect(first.status).toBe(200);
  expect(isReplay(first)).toBe(false);
  const before = await footprint(ws.workspaceId);

  const replay = await ws.post("/v1/quick/scrape", body, key);
  expect(replay.status).toBe(200);
  expect(isReplay(replay)).toBe(true);
  expect(replay.bytes.equals(first.bytes)).toBe(true);
  expect(replay.headers.get("content-type")).toBe(first.headers.get("content-type"));
  expect(replay.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));
  expect(await footprint(ws.workspaceId)).toEqual(before);

  // Without a key nothing is remembered: the same body makes a second job.
  const unkeyed = await ws.post("/v1/quick/scrape", body);
  expect(unkeyed.status).toBe(200);
  expect(unkeyed.json.job_id).not.toBe(first.json.job_id);
});

it("the same key with a different body or path is a 409; the key is scoped to its workspace", async () => {
  const ws = await newWorkspace();
  const key = randomUUID();
  const body = JSON.stringify({ url: `${ctx.site.origin}/simple`, async: true });
  const first = await ws.post("/v1/quick/scrape", body, key);
  expect(first.status).toBe(202);
  const before = await footprint(ws.workspaceId);

  const otherBody = await ws.post("/v1/quick/scrape", JSON.stringify({ url: `${ctx.site.origin}/page/2`, async: true }), key);
  expect(otherBody.status).toBe(409);
  expect(otherBody.json).toMatchObject({ code: "IDEMPOTENCY_CONFLICT", request_id: otherBody.headers.get("x-request-id") });
  // Raw bytes are what is compared: the same JSON serialised differently is a different request.
  const reordered = await ws.post("/v1/quick/scrape", JSON.stringify({ async: true, url: `${ctx.site.origin}/simple` }), key);
  expect(reordered.status).toBe(409);
  const otherPath = await ws.post("/v1/quick/screenshot", body, key);
  expect(otherPath.status).toBe(409);
  expect(otherPath.json.code).toBe("IDEMPOTENCY_CONFLICT");
  expect(await footprint(ws.workspaceId)).toEqual(before);

  const other = await newWorkspace();
  const elsewhere = await other.post("/v1/quick/scrape", body, key);
  expect(elsewhere.status).toBe(202);
  expect(isReplay(elsewhere)).toBe(false);
  expect(elsewhere.json.job_id).not.toBe(first.json.job_id);
});

it("refuses an empty, over-long or non-printable key with the 400 envelope and runs nothing", async () => {
  const ws = await newWorkspace();
  const body = JSON.stringify({ url: `${ctx.site.origin}/simple`, async: true });
  const before = await footprint(ws.workspaceId);
  for (const bad of ["", "k".repeat(256), "tab\there", "caf\u00e9"]) {
    const answer = await ws.post("/v1/quick/scrape", body, bad);
    expect(answer.status, JSON.stringify(bad)).toBe(400);
    expect(answer.json).toMatchObject({ code: "BAD_REQUEST", request_id: answer.headers.get("x-request-id") });
    expect((answer.json.details as { path: string }[])[0]!.path).toBe("Idempotency-Key");
  }
  expect(await footprint(ws.workspaceId)).toEqual(before);
  const longest = await ws.post("/v1/quick/scrape", body, `${"k".repeat(250)} ~!@#`);
  expect(longest.status).toBe(202);
});

it("stores and replays 4xx answers (validation 400, 402) without running anything", async () => {
  const ws = await newWorkspace();
  const before = await footprint(ws.workspaceId);

  const invalidKey = randomUUID();
  const invalid = JSON.stringify({ formats: ["text"] });
  const first400 = await ws.post("/v1/quick/scrape", invalid, invalidKey);
  expect(first400.status).toBe(400);
  expect(first400.json.code).toBe("BAD_REQUEST");
  const again400 = await ws.post("/v1/quick/scrape", invalid, invalidKey);
  expect(again400.status).toBe(400);
  expect(isReplay(again400)).toBe(true);
  expect(again400.bytes.equals(first400.bytes)).toBe(true);

  // 101 pages cannot be covered by the 100 credits of a new workspace.
  const pricyKey = randomUUID();
  const pricy = JSON.stringify({ urls: Array.from({ length: 101 }, (_, i) => `${ctx.site.origin}/page/${i}`) });
  const first402 = await ws.post("/v1/quick/batch", pricy, pricyKey);
  expect(first402.status).toBe(402);
  expect(first402.json.code).toBe("INSUFFICIENT_CREDIT");
  const again402 = await ws.post("/v1/quick/batch", pricy, pricyKey);
  expect(again402.status).toBe(402);
  expect(isReplay(again402)).toBe(true);
  expect(again402.bytes.equals(first402.bytes)).toBe(true);

  expect(await footprint(ws.workspaceId)).toEqual(before);
});

it("does not store a 5xx: the claim is released and a retry with the key runs again", async () => {
  const ws = await newWorkspace();
  const key = randomUUID();
  const body = JSON.stringify({ url: "http://127.0.0.1:9/closed" });
  const first = await ws.post("/v1/quick/scrape", body, key);
  expect(first.status).toBe(502);
  expect(await keyRow(ws.workspaceId, key)).toBeNull();

  const retry = await ws.post("/v1/quick/scrape", body, key);
  expect(retry.status).toBe(502);
  expect(isReplay(retry)).toBe(false);
  expect(retry.json.job_id).not.toBe(first.json.job_id);
  expect(await ctx.stack.prisma.job.count({ where: { workspaceId: ws.workspaceId } })).toBe(2);
});

it("a duplicate of a sync scrape still running gets 409; once it has answered, a replay", async () => {
  const ws = await newWorkspace();
  const key = randomUUID();
  const path = `/slow?ms=5000&id=${key}`;
  const body = JSON.stringify({ url: `${ctx.site.origin}${path}` });
  const first = ws.post("/v1/quick/scrape", body, key);
  // The page is being fetched, so the first request has claimed the key and is waiting on it.
  await waitUntil(() => ctx.site.inFlightOf("/slow") > 0, 60_000, "the slow page is being fetched");

  const during = await ws.post("/v1/quick/scrape", body, key);
  expect(during.status).toBe(409);
  expect(during.json.code).toBe("IDEMPOTENCY_CONFLICT");
  expect(during.headers.get("retry-after")).not.toBeNull();

  const original = await first;
  expect(original.status).toBe(200);
  expect(isReplay(original)).toBe(false);
  const after = await ws.post("/v1/quick/scrape", body, key);
  expect(after.status).toBe(200);
  expect(isReplay(after)).toBe(true);
  expect(after.bytes.equals(original.bytes)).toBe(true);
  expect(await ctx.stack.prisma.job.count({ where: { workspaceId: ws.workspaceId } })).toBe(1);
});

it("treats an expired key as absent: the same key runs again", async () => {
  const ws = await newWorkspace();
  const key = randomUUID();
  const body = JSON.stringify({ urls: [`${ctx.site.origin}/simple`] });
  const first = await ws.post("/v1/quick/batch", body, key);
  expect(first.status).toBe(202);
  // The 24 h pass in the database: the row stays (no sweep yet) but has expired.
  await ctx.stack.prisma.$executeRaw`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = ${key}`;

  const again = await ws.post("/v1/quick/batch", body, key);
  expect(again.status).toBe(202);
  expect(isReplay(again)).toBe(false);
  expect(again.json.job_id).not.toBe(first.json.job_id);
  const replay = await ws.post("/v1/quick/batch", body, key);
  expect(isReplay(replay)).toBe(true);
  expect(replay.bytes.equals(again.bytes)).toBe(true);
});

it("an API with a short TTL sweeps the expired key away, after which the key is reusable", async () => {
  const api = await ctx.stack.startApi({ IDEMPOTENCY_TTL_SECONDS: "1", IDEMPOTENCY_SWEEP_INTERVAL_MS: "200" });
  try {
    const ws = await newWorkspace();
    const post = (body: string, key: string) => postRaw(`http://127.0.0.1:${api.port}`, ws.apiKey, "/v1/quick/batch", body, key);
    const key = randomUUID();
    const body = JSON.stringify({ urls: [`${ctx.site.origin}/simple`] });
    const first = await post(body, key);
    expect(first.status).toBe(202);
    await waitUntil(async () => (await keyRow(ws.workspaceId, key)) === null, 60_000, "the sweep deleted the expired key");

    const again = await post(body, key);
    expect(again.status).toBe(202);
    expect(isReplay(again)).toBe(false);
    expect(again.json.job_id).not.toBe(first.json.job_id);
  } finally {
    await api.stop("SIGTERM");
  }
});

it("a claim left in flight by a killed API process frees the key when its lease ends", async () => {
  const doomed = await ctx.stack.startApi({ IDEMPOTENCY_LEASE_MS: "1000" });
  const ws = await newWorkspace();
  const key = randomUUID();
  const body = JSON.stringify({ url: `${ctx.site.origin}/slow?ms=4000&id=${key}` });
  const lost = postRaw(`http://127.0.0.1:${doomed.port}`, ws.apiKey, "/v1/quick/scrape", body, key).catch(() => null);
  await waitUntil(async () => (await keyRow(ws.workspaceId, key))?.state === "in_flight", 60_000, "the doomed API claimed the key");
  await doomed.stop("SIGKILL");
  expect(await lost).toBeNull();

  const stillInFlight = await keyRow(ws.workspaceId, key);
  expect(stillInFlight?.state).toBe("in_flight");
  await waitUntil(
    async () => (await ctx.stack.prisma.$queryRaw<{ free: boolean }[]>`SELECT locked_until <= now() AS free FROM idempotency_keys WHERE key = ${key}`)[0]?.free === true,
    60_000,
    "the dead claim's lease ended",
  );

  const retry = await ws.post("/v1/quick/scrape", body, key);
  expect(retry.status).toBe(200);
  expect(isReplay(retry)).toBe(false);
  const replay = await ws.post("/v1/quick/scrape", body, key);
  expect(isReplay(replay)).toBe(true);
  expect(replay.bytes.equals(retry.bytes)).toBe(true);
});
