import { loadConfig } from "@browserfleet/config";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createJob, createPrismaClient, createWorkspace, startItem, withdrawUnstartedJob, type PrismaClient } from "../src/index.ts";
import { createTemporaryDatabase, type TemporaryDatabase } from "../src/testing/index.ts";

let database: TemporaryDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await createTemporaryDatabase(loadConfig().DATABASE_URL);
  prisma = createPrismaClient(database.url, { poolMax: 4 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

const syncJob = (workspaceId: string, reserve: number) =>
  createJob(prisma, { workspaceId, kind: "scrape", params: {}, sync: true, urls: [{ url: "http://127.0.0.1/x" }], reserve });

/** The ledger oldest first; every balance_after must be the running sum of the deltas up to it. */
async function expectRunningSums(workspaceId: string): Promise<void> {
  const entries = await prisma.creditLedgerEntry.findMany({ where: { workspaceId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  let sum = 0;
  for (const e of entries) {
    sum += e.delta;
    expect(e.balanceAfter, `${e.reason} ${e.delta}`).toBe(sum);
  }
  const ws = await prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  expect(ws.creditBalance).toBe(sum);
}

it("takes back a job nothing started: job, items and reservation gone, later ledger rows still a running sum", async () => {
  const { workspace } = await createWorkspace(prisma, { name: "withdraw" });
  const first = await syncJob(workspace.id, 3);
  const later = await syncJob(workspace.id, 2);

  expect(await withdrawUnstartedJob(prisma, workspace.id, first.job.id)).toBe(true);
  expect(await prisma.job.findUnique({ where: { id: first.job.id } })).toBeNull();
  expect(await prisma.jobItem.count({ where: { jobId: first.job.id } })).toBe(0);
  const ledger = await prisma.creditLedgerEntry.findMany({ where: { workspaceId: workspace.id }, orderBy: { createdAt: "asc" } });
  expect(ledger.map((e) => [e.delta, e.jobId])).toEqual([
    [100, null],
    [-2, later.job.id],
  ]);
  await expectRunningSums(workspace.id);
  // Again: nothing left to take back.
  expect(await withdrawUnstartedJob(prisma, workspace.id, first.job.id)).toBe(false);
});

it("leaves a job alone once one of its items started, and a job of another workspace", async () => {
  const { workspace } = await createWorkspace(prisma, { name: "started" });
  const other = await createWorkspace(prisma, { name: "other" });
  const { job, items } = await syncJob(workspace.id, 1);
  expect(await withdrawUnstartedJob(prisma, other.workspace.id, job.id)).toBe(false);
  expect(await startItem(prisma, items[0]!.id)).not.toBeNull();

  const before = await prisma.creditLedgerEntry.findMany({ where: { workspaceId: workspace.id }, orderBy: { id: "asc" } });
  expect(await withdrawUnstartedJob(prisma, workspace.id, job.id)).toBe(false);
  expect(await prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "running" });
  expect(await prisma.creditLedgerEntry.findMany({ where: { workspaceId: workspace.id }, orderBy: { id: "asc" } })).toEqual(before);
  await expectRunningSums(workspace.id);
});
