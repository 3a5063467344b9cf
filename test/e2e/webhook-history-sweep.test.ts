import { randomUUID } from "node:crypto";
import { createPrismaClient, sweepWebhookHistory, type PrismaClient } from "@browserfleet/db";
import { createTemporaryDatabase, type TemporaryDatabase } from "@browserfleet/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type AppProcess } from "../support/app-process.ts";
import { waitUntil } from "../support/job-polling.ts";
import { localFleetEnv } from "../support/test-stack.ts";

// The dispatcher sweeps webhook history past retention until caught up, and shows what is left (issue 11, item 6).
// No API, no worker: rows are written with SQL (fast), the dispatcher process sweeps them.
let database: TemporaryDatabase;
let prisma: PrismaClient;
let dispatcher: AppProcess | undefined;
const workspaceId = randomUUID();
const endpointId = randomUUID();
const BATCH = 1_000;

beforeAll(async () => {
  database = await createTemporaryDatabase();
  prisma = createPrismaClient(database.url);
  await prisma.$executeRaw`INSERT INTO workspaces (id, name, signing_secret, updated_at) VALUES (${workspaceId}::uuid, 'sweep', 'whsec_test', now())`;
  await prisma.$executeRaw`
    INSERT INTO webhook_endpoints (id, workspace_id, url, events, updated_at)
    VALUES (${endpointId}::uuid, ${workspaceId}::uuid, 'http://127.0.0.1:9/never', ARRAY['job.completed'], now())`;
});

afterAll(async () => {
  await dispatcher?.stop();
  await prisma?.$disconnect();
  await database?.drop();
});

/** `count` events fanned out `eventAgeDays` ago, each with a task finished `taskAgeDays` ago and one delivery-log row. */
async function insertHistory(prefix: string, count: number, eventAgeDays: number, taskAgeDays: number): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO outbox_events (id, workspace_id, type, data, created_at, fanned_out_at)
    SELECT ${prefix} || g, ${workspaceId}::uuid, 'job.completed', '{}'::jsonb,
           now() - make_interval(days => ${eventAgeDays}::int), now() - make_interval(days => ${eventAgeDays}::int)
    FROM generate_series(1, ${count}::int) g`;
  await prisma.$executeRaw`
    INSERT INTO webhook_tasks (id, event_id, endpoint_id, attempts, state, due_at, created_at, finished_at)
    SELECT gen_random_uuid(), ${prefix} || g, ${endpointId}::uuid, 1, 'delivered',
           now() - make_interval(days => ${eventAgeDays}::int), now() - make_interval(days => ${eventAgeDays}::int), now() - make_interval(days => ${taskAgeDays}::int)
    FROM generate_series(1, ${count}::int) g`;
  await prisma.$executeRaw`
    INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, attempt, status_code, delivered_at)
    SELECT gen_random_uuid(), ${endpointId}::uuid, ${prefix} || g, 'job.completed', 1, 200, now() - make_interval(days => ${eventAgeDays}::int)
    FROM generate_series(1, ${count}::int) g`;
}

async function rowsWithPrefix(prefix: string): Promise<{ events: number; tasks: number; deliveries: number }> {
  const [row] = await prisma.$queryRaw<{ events: number; tasks: number; deliveries: number }[]>`
    SELECT (SELECT count(*) FROM outbox_events WHERE id LIKE ${prefix} || '%')::int AS events,
           (SELECT count(*) FROM webhook_tasks WHERE event_id LIKE ${prefix} || '%')::int AS tasks,
           (SELECT count(*) FROM webhook_deliveries WHERE event_id LIKE ${prefix} || '%')::int AS deliveries`;
  return row!;
}

async function backlogMetric(): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${dispatcher!.port}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const backlog: Record<string, number> = {};
  for (const m of text.matchAll(/^browserfleet_webhook_history_backlog_rows\{[^}]*table="(\w+)"[^}]*\} (\S+)$/gm)) backlog[m[1]!] = Number(m[2]);
  return backlog;
}

it("sweeps far more old history than one batch, until none is left, and keeps what is recent or unfinished", async () => {
  // 12 batches of old rows per table (the old sweep took 5,000 per table an hour), beside rows it must keep.
  await insertHistory("old_", 12 * BATCH, 40, 10);
  await insertHistory("recent_", 50, 1, 0);
  await prisma.$executeRaw`
    INSERT INTO outbox_events (id, workspace_id, type, data, created_at, fanned_out_at)
    VALUES ('unfinished_1', ${workspaceId}::uuid, 'job.completed', '{}'::jsonb, now() - interval '41 days', now() - interval '40 days')`;
  await prisma.$executeRaw`
    INSERT INTO webhook_tasks (id, event_id, endpoint_id, attempts, state, due_at, created_at)
    VALUES (gen_random_uuid(), 'unfinished_1', ${endpointId}::uuid, 3, 'pending', now() + interval '1 day', now() - interval '40 days')`;

  dispatcher = await startApp("dispatcher", {
    ...localFleetEnv({ databaseUrl: database.url, redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" }),
    WEBHOOK_SWEEP_BATCH: String(BATCH),
    // One sweep at start, the next one an hour later: what the test sees afterwards is that first sweep's work.
    WEBHOOK_SWEEP_INTERVAL_MS: "3600000",
  });
  await waitUntil(async () => {
    const left = await rowsWithPrefix("old_");
    return left.events + left.tasks + left.deliveries === 0;
  }, 60_000);

  expect(await rowsWithPrefix("recent_")).toEqual({ events: 50, tasks: 50, deliveries: 50 });
  expect(await rowsWithPrefix("unfinished_")).toEqual({ events: 1, tasks: 1, deliveries: 0 });
  expect(await backlogMetric()).toEqual({ webhook_tasks: 0, webhook_deliveries: 0, outbox_events: 0 });
});

it("shows the backlog in a metric, and a sweep out of budget leaves the rest for the next one", async () => {
  await insertHistory("late_", 1_500, 40, 10);
  expect(await backlogMetric()).toEqual({ webhook_tasks: 1_500, webhook_deliveries: 1_500, outbox_events: 1_500 });

  // A budget of 0 allows one round: one DELETE of `batch` rows per table.
  const first = await sweepWebhookHistory(prisma, { batch: 500, budgetMs: 0 });
  expect(first.caughtUp).toBe(false);
  expect(first.deleted.webhook_deliveries).toBe(500);
  const rest = await sweepWebhookHistory(prisma, { batch: 500, budgetMs: 60_000 });
  expect(rest.caughtUp).toBe(true);
  expect(first.deleted.webhook_deliveries + rest.deleted.webhook_deliveries).toBe(1_500);
  expect(await rowsWithPrefix("late_")).toEqual({ events: 0, tasks: 0, deliveries: 0 });
  expect(await backlogMetric()).toEqual({ webhook_tasks: 0, webhook_deliveries: 0, outbox_events: 0 });
});
