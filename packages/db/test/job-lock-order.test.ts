import { setTimeout as sleep } from "node:timers/promises";
import { loadConfig } from "@browserfleet/config";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  cancelJob,
  completeItem,
  createJob,
  createPrismaClient,
  createWorkspace,
  grantCredits,
  isTransactionConflict,
  runTransaction,
  startItem,
  type PrismaClient,
} from "../src/index.ts";
import { createTemporaryDatabase, type TemporaryDatabase } from "../src/testing/index.ts";

const ITEMS = 40;
const ROUNDS = 6;
const SCENARIO_APP = "lock-order-scenario";
let database: TemporaryDatabase;
let prisma: PrismaClient;
let admin: pg.Client;

beforeAll(async () => {
  database = await createTemporaryDatabase(loadConfig().DATABASE_URL);
  prisma = createPrismaClient(database.url, { poolMax: 4 });
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await prisma?.$disconnect();
  await database?.drop();
});

/** Deadlocks Postgres detected in this database so far (whoever retried them afterwards). */
async function deadlocks(): Promise<number> {
  const { rows } = await admin.query<{ deadlocks: string }>("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
  return Number(rows[0]!.deadlocks);
}

/**
 * Runs `fn` with its own client (more connections than the default, so calls really run at once),
 * then closes it and waits for its backends to exit: a backend reports its statistics (the
 * deadlock count among them) at the latest when it exits. Returns the deadlocks `fn` caused.
 */
async function countDeadlocks(fn: (client: PrismaClient) => Promise<void>): Promise<number> {
  const before = await deadlocks();
  const client = createPrismaClient(`${database.url}?application_name=${SCENARIO_APP}`, { poolMax: 24 });
  try {
    await fn(client);
  } finally {
    await client.$disconnect();
  }
  for (;;) {
    const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1", [SCENARIO_APP]);
    if (Number(rows[0]!.n) === 0) break;
    await sleep(50);
  }
  await admin.query("SELECT pg_stat_clear_snapshot()");
  return (await deadlocks()) - before;
}

async function newBatch(workspaceId: string, n: number, tag: string) {
  return createJob(prisma, {
    workspaceId,
    kind: "batch",
    params: {},
    sync: false,
    urls: Array.from({ length: n }, (_, i) => ({ url: `http://127.0.0.1/${tag}/${i}` })),
    reserve: n,
  });
}

/** Backends of the scenario waiting on a lock now. */
async function lockWaiters(): Promise<number> {
  const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [SCENARIO_APP]);
  return Number(rows[0]!.n);
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(20);
}

it("a cancel and the first start of a queued job, both queued behind a held job row, never deadlock", async () => {
  const { workspace } = await createWorkspace(prisma, { name: "lock-order-exact" });
  const { job, items } = await newBatch(workspace.id, 3, "exact");
  const holder = new pg.Client({ connectionString: database.url });
  await holder.connect();
  let cancelled: Awaited<ReturnType<typeof cancelJob>> | undefined;
  let started: Awaited<ReturnType<typeof startItem>> | undefined;
  try {
    const found = await countDeadlocks(async (client) => {
      // Another transaction holds the job row (as a completion of one of its items does)...
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM jobs WHERE id = $1 FOR UPDATE", [job.id]);
      // ...the cancel waits for it first, then the first start of one of its items.
      const cancel = cancelJob(client, workspace.id, job.id);
      await until(async () => (await lockWaiters()) === 1);
      const start = startItem(client, items[0]!.id);
      await until(async () => (await lockWaiters()) === 2);
      await holder.query("COMMIT");
      [cancelled, started] = await Promise.all([cancel, start]);
    });
    expect(found).toBe(0);
  } finally {
    await holder.end();
  }
  // The cancel won the row: every item is cancelled and the late start does nothing.
  expect(cancelled?.cancelledItems).toBe(3);
  expect(started).toBeNull();
  const after = await prisma.jobItem.findMany({ where: { jobId: job.id } });
  expect(after.map((i) => i.status)).toEqual(["cancelled", "cancelled", "cancelled"]);
});

it("starts and completions of a big job's items racing its cancel, repeated: no error, and the books balance", async () => {
  const { workspace } = await createWorkspace(prisma, { name: "lock-order-race" });
  await grantCredits(prisma, { workspaceId: workspace.id, amount: ITEMS * ROUNDS });
  const failures: unknown[] = [];
  const record = (err: unknown): null => {
    failures.push(err);
    return null;
  };

  await countDeadlocks(async (client) => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { job, items } = await newBatch(workspace.id, ITEMS, `race-${round}`);
      // Each item starts, then completes at once; the cancel lands among them.
      const runs = items.map(async (item) => {
        const started = await startItem(client, item.id).catch(record);
        if (started === null) return;
        await completeItem(client, { itemId: item.id, price: 1, outcome: { ok: true, finalUrl: item.url, httpStatus: 200, title: "t", durationMs: 1 } }).catch(record);
      });
      const cancel = sleep(round % 3).then(() =>
        cancelJob(client, workspace.id, job.id).catch((err: unknown) => (err instanceof Error && "code" in err && err.code === "JOB_TERMINAL" ? null : record(err))),
      );
      await Promise.all([...runs, cancel]);
      expect(failures, `round ${round}`).toEqual([]);

      const after = await prisma.job.findUniqueOrThrow({ where: { id: job.id }, include: { items: true } });
      const completed = after.items.filter((i) => i.status === "completed").length;
      // Every item either completed (charged once) or was cancelled (a late start or result ignored).
      expect(after.items.every((i) => i.status === "completed" || i.status === "cancelled")).toBe(true);
      expect(after.creditsCharged).toBe(completed);
      expect(after.progressDone).toBe(completed);
      expect(["cancelled", "completed"]).toContain(after.status);
    }
  });

  const ws = await prisma.workspace.findUniqueOrThrow({ where: { id: workspace.id } });
  const ledger = await prisma.creditLedgerEntry.aggregate({ where: { workspaceId: workspace.id }, _sum: { delta: true } });
  expect(ledger._sum.delta).toBe(ws.creditBalance);
  const charged = await prisma.job.aggregate({ where: { workspaceId: workspace.id }, _sum: { creditsCharged: true } });
  // Signup credits + the grant, minus exactly what completed items were charged: every unspent reservation came back.
  expect(ws.creditBalance).toBe(100 + ITEMS * ROUNDS - (charged._sum.creditsCharged ?? 0));
});

it("runTransaction runs a transaction again after a serialization failure or a deadlock, a bounded number of times", async () => {
  // Postgres itself raises the SQLSTATE, so Prisma and the driver wrap it as they wrap a real conflict.
  const raise = (sqlState: string) => `DO $$ BEGIN RAISE EXCEPTION 'raised by the test' USING ERRCODE = '${sqlState}'; END $$`;
  let runs = 0;
  const value = await runTransaction(prisma, async (tx) => {
    runs += 1;
    if (runs <= 2) await tx.$executeRawUnsafe(raise(runs === 1 ? "40001" : "40P01"));
    return runs;
  });
  expect(value).toBe(3);

  runs = 0;
  const conflict = await runTransaction(prisma, async (tx) => {
    runs += 1;
    await tx.$executeRawUnsafe(raise("40001"));
  }, { maxTries: 2 }).catch((err: unknown) => err);
  expect(isTransactionConflict(conflict)).toBe(true);
  expect(runs).toBe(2);

  runs = 0;
  const other = await runTransaction(prisma, async (tx) => {
    runs += 1;
    await tx.$executeRawUnsafe(raise("23505"));
  }).catch((err: unknown) => err);
  expect(isTransactionConflict(other)).toBe(false);
  expect(runs).toBe(1);
});
