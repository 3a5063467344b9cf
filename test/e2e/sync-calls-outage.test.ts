import { afterAll, beforeAll, expect, it } from "vitest";
import { createPrismaClient, createWorkspace, type PrismaClient } from "@browserfleet/db";
import { createTemporaryDatabase, type TemporaryDatabase } from "@browserfleet/db/testing";
import { startApp, type AppProcess } from "../support/app-process.ts";
import { startFixtureSite, type FixtureSite } from "../support/fixture-site.ts";
import { balanceAndLedger, waitUntil } from "../support/job-polling.ts";
import { startPrivateRedis, type PrivateRedis } from "../support/private-redis.ts";
import { localFleetEnv } from "../support/test-stack.ts";

// A sync call while Redis is down: its job cannot reach a worker, so the API takes it back and
// answers 503 with nothing left behind; the same call once Redis is back makes exactly one job.
// The fleet uses a Redis of this file's own, which the test stops.
const DEPENDENCY_TIMEOUT_MS = 5_000;
// Only detects a hang (today's behaviour waits out SYNC_TIMEOUT_MS, 60 s); no timing is asserted.
const ANSWER_BUDGET_MS = 4 * DEPENDENCY_TIMEOUT_MS;

let redis: PrivateRedis;
let database: TemporaryDatabase;
let prisma: PrismaClient;
let site: FixtureSite;
let api: AppProcess;
let worker: AppProcess;

beforeAll(async () => {
  [redis, database, site] = await Promise.all([startPrivateRedis(), createTemporaryDatabase(), startFixtureSite()]);
  prisma = createPrismaClient(database.url);
  const env = { ...localFleetEnv({ databaseUrl: database.url, redisUrl: redis.url }), DEPENDENCY_TIMEOUT_MS: String(DEPENDENCY_TIMEOUT_MS) };
  const launched = await Promise.allSettled([startApp("api", env), startApp("worker", env)]);
  [api, worker] = launched.map((l) => (l.status === "fulfilled" ? l.value : undefined)) as [AppProcess, AppProcess];
  const failed = launched.find((l) => l.status === "rejected");
  if (failed) throw failed.reason;
}, 300_000);

afterAll(async () => {
  await redis?.start();
  await Promise.all([api, worker].map((p) => p?.stop("SIGTERM")));
  await prisma?.$disconnect();
  await database?.drop();
  await Promise.all([site?.close(), redis?.stop()]);
}, 300_000);

async function post(apiKey: string, body: unknown, idempotencyKey: string): Promise<{ status: number | "hang"; body: Record<string, unknown>; headers: Headers | null }> {
  try {
    const res = await fetch(`http://127.0.0.1:${api.port}/v1/quick/scrape`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/json", "idempotency-key": idempotencyKey },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(ANSWER_BUDGET_MS),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  } catch (err) {
    if (err instanceof Error && err.name === "TimeoutError") return { status: "hang", body: {}, headers: null };
    throw err;
  }
}

const readyz = async (p: AppProcess): Promise<number> => (await fetch(`http://127.0.0.1:${p.port}/readyz`).catch(() => null))?.status ?? 0;

it("answers a sync call 503 with nothing half-written while Redis is down, and makes exactly one job when the same call is retried after", async () => {
  const created = await createWorkspace(prisma, { name: "sync-outage" });
  const workspaceId = created.workspace.id;
  const apiKey = created.apiKey.key;
  const body = { url: `${site.origin}/simple?outage=1`, formats: ["text"] };
  const ledgerOf = () => prisma.creditLedgerEntry.findMany({ where: { workspaceId }, orderBy: { id: "asc" } });
  const ledgerBefore = await ledgerOf();
  const balanceBefore = (await balanceAndLedger(prisma, workspaceId)).balance;

  await redis.stop();
  const during = await post(apiKey, body, "sync-outage-1");
  expect(during.status, JSON.stringify(during.body)).toBe(503);
  expect(during.body.code).toBe("SERVICE_UNAVAILABLE");
  expect(during.headers?.get("retry-after")).toMatch(/^\d+$/);
  // Nothing half-written: no job, no item, the balance and every ledger row as they were.
  expect(await prisma.job.count({ where: { workspaceId } })).toBe(0);
  expect(await prisma.jobItem.count({ where: { workspaceId } })).toBe(0);
  expect(await ledgerOf()).toEqual(ledgerBefore);
  expect((await balanceAndLedger(prisma, workspaceId)).balance).toBe(balanceBefore);

  await redis.start();
  await waitUntil(async () => (await readyz(api)) === 200 && (await readyz(worker)) === 200, 60_000, "api and worker ready again");
  const after = await post(apiKey, body, "sync-outage-1");
  expect(after.status, JSON.stringify(after.body)).toBe(200);
  // The 503 was not kept: this is a fresh run of the key, not a replay.
  expect(after.headers?.get("idempotent-replay")).toBeNull();
  const jobs = await prisma.job.findMany({ where: { workspaceId } });
  expect(jobs.map((j) => j.id)).toEqual([after.body.job_id]);
  const { balance, ledgerSum } = await balanceAndLedger(prisma, workspaceId);
  expect(balance).toBe(balanceBefore - 1);
  expect(ledgerSum).toBe(balance);

  const replay = await post(apiKey, body, "sync-outage-1");
  expect(replay.headers?.get("idempotent-replay")).toBe("true");
  expect(await prisma.job.count({ where: { workspaceId } })).toBe(1);
});
