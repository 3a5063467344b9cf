import { expect, it } from "vitest";
import { createJob, createWorkspace, startItem, withdrawUnstartedJob } from "../src/index.ts";
import { useTemporaryPrisma } from "./temporary-prisma.ts";

const db = useTemporaryPrisma();

const syncJob = (workspaceId: string, reserve: number) =>
  createJob(db.prisma, { workspaceId, kind: "scrape", params: {}, sync: true, urls: [{ url: "http://127.0.0.1/x" }], reserve });

/** The ledger oldest first; every balance_after must be the running sum of the deltas up to it. */
async function expectRunningSums(workspaceId: string): Promise<void> {
  const entries = await db.prisma.creditLedgerEntry.findMany({ where: { workspaceId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  let sum = 0;
  for (const e of entries) {
    sum += e.delta;
    expect(e.balanceAfter, `${e.reason} ${e.delta}`).toBe(sum);
  }
  const ws = await db.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  expect(ws.creditBalance).toBe(sum);
}

it("takes back a job nothing started: job, items and reservation gone, later ledger rows still a running sum", async () => {
  const { workspace } = await createWorkspace(db.prisma, { name: "withdraw" });
  const first = await syncJob(workspace.id, 3);
  const later = await syncJob(workspace.id, 2);

  expect(await withdrawUnstartedJob(db.prisma, workspace.id, first.job.id)).toBe(true);
  expect(await db.prisma.job.findUnique({ where: { id: first.job.id } })).toBeNull();
  expect(await db.prisma.jobItem.count({ where: { jobId: first.job.id } })).toBe(0);
  const ledger = await db.prisma.creditLedgerEntry.findMany({ where: { workspaceId: workspace.id }, orderBy: { createdAt: "asc" } });
  expect(ledger.map((e) => [e.delta, e.jobId])).toEqual([
    [100, null],
    [-2, later.job.id],
  ]);
  await expectRunningSums(workspace.id);
  // Again: nothing left to take back.
  expect(await withdrawUnstartedJob(db.prisma, workspace.id, first.job.id)).toBe(false);
});

it("leaves a job alone once one of its items started, and a job of another workspace", async () => {
  const { workspace } = await createWorkspace(db.prisma, { name: "started" });
  const other = await createWorkspace(db.prisma, { name: "other" });
  const { job, items } = await syncJob(workspace.id, 1);
  expect(await withdrawUnstartedJob(db.prisma, other.workspace.id, job.id)).toBe(false);
  expect(await startItem(db.prisma, items[0]!.id)).not.toBeNull();

  const before = await db.prisma.creditLedgerEntry.findMany({ where: { workspaceId: workspace.id }, orderBy: { id: "asc" } });
  expect(await withdrawUnstartedJob(db.prisma, workspace.id, job.id)).toBe(false);
  expect(await db.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "running" });
  expect(await db.prisma.creditLedgerEntry.findMany({ where: { workspaceId: workspace.id }, orderBy: { id: "asc" } })).toEqual(before);
  await expectRunningSums(workspace.id);
});
