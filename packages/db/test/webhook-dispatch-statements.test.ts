import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  claimWebhookTasks,
  createDriverPool,
  createWorkspace,
  fanOutEvents,
  inDriverTransaction,
  recordDeliveredAttempts,
  type DriverPool,
} from "../src/index.ts";
import { useTemporaryPrisma } from "./temporary-prisma.ts";

// The dispatcher's own statements through the driver: fan-out, claim and batched delivered records.
const db = useTemporaryPrisma();
let driver: DriverPool;

beforeAll(() => {
  driver = createDriverPool(db.database.url, { max: 3 });
});
afterAll(async () => {
  await driver?.close();
});

const eventId = (): string => `evt_${randomBytes(12).toString("hex")}`;

async function endpointWithEvents(name: string, events: number): Promise<{ workspaceId: string; endpointId: string; eventIds: string[] }> {
  const { workspace } = await createWorkspace(db.prisma, { name });
  const endpoint = await db.prisma.webhookEndpoint.create({ data: { workspaceId: workspace.id, url: "http://127.0.0.1:9/hook", events: [] } });
  const eventIds = Array.from({ length: events }, eventId);
  const base = Date.now() - 60_000;
  await db.prisma.outboxEvent.createMany({
    data: eventIds.map((id, i) => ({ id, workspaceId: workspace.id, type: "job.completed", data: {}, createdAt: new Date(base + i) })),
  });
  return { workspaceId: workspace.id, endpointId: endpoint.id, eventIds };
}

async function fanOutAll(): Promise<number> {
  let tasks = 0;
  for (;;) {
    const fanned = await fanOutEvents(driver, 100);
    tasks += fanned.reduce((n, e) => n + e.tasks, 0);
    if (fanned.length === 0) return tasks;
  }
}

describe("inDriverTransaction", () => {
  it("commits what the work wrote, and rolls all of it back when the work throws", async () => {
    const { workspace } = await createWorkspace(db.prisma, { name: "driver-tx" });
    await inDriverTransaction(driver, (c) => c.query("UPDATE workspaces SET name = 'committed' WHERE id = $1", [workspace.id]));
    await expect(
      inDriverTransaction(driver, async (c) => {
        await c.query("UPDATE workspaces SET name = 'rolled back' WHERE id = $1", [workspace.id]);
        throw new Error("work failed");
      }),
    ).rejects.toThrow("work failed");
    expect((await db.prisma.workspace.findUniqueOrThrow({ where: { id: workspace.id } })).name).toBe("committed");
  });

  it("a connection killed mid-transaction fails that call only: no uncaught error, and the pool serves the next one", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => void uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    try {
      await expect(
        inDriverTransaction(driver, async (c) => {
          const { rows } = await c.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
          await db.prisma.$queryRawUnsafe(`SELECT pg_terminate_backend(${Number(rows[0]!.pid)})`);
          await c.query("SELECT 1");
        }),
      ).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(uncaught).toEqual([]);
      expect(await inDriverTransaction(driver, async (c) => (await c.query<{ n: number }>("SELECT 1 AS n")).rows[0]!.n)).toBe(1);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });
});

describe("webhook fan-out, claim and delivered records", () => {
  // Each case claims from a clean slate: what an earlier case left due is out of the way.
  beforeEach(async () => {
    await db.prisma.webhookTask.updateMany({ where: { state: { in: ["pending", "sending"] } }, data: { state: "delivered", lockedUntil: null } });
  });

  it("fans a large outbox out once, then claims per endpoint only what its cap leaves room for, oldest first", async () => {
    const a = await endpointWithEvents("claim-a", 300);
    const b = await endpointWithEvents("claim-b", 5);
    expect(await fanOutAll()).toBe(305);
    expect(await fanOutEvents(driver, 100)).toEqual([]);

    const first = await claimWebhookTasks(driver, { maxTasks: 32, perEndpoint: 4, leaseMs: 60_000 });
    const byEndpoint = (endpointId: string) => first.filter((t) => t.endpointId === endpointId).map((t) => t.eventId);
    // 4 each at most, and each endpoint's oldest events (first attempts are due from their event's time).
    expect(byEndpoint(a.endpointId)).toEqual(a.eventIds.slice(0, 4));
    expect(byEndpoint(b.endpointId)).toEqual(b.eventIds.slice(0, 4));
    // Full endpoints yield nothing more until an attempt is recorded.
    expect(await claimWebhookTasks(driver, { maxTasks: 32, perEndpoint: 4, leaseMs: 60_000 })).toEqual([]);

    const done = first.filter((t) => t.endpointId === a.endpointId).slice(0, 2);
    const owned = await recordDeliveredAttempts(
      driver,
      done.map((t) => ({ taskId: t.taskId, endpointId: t.endpointId, eventId: t.eventId, eventType: t.eventType, attempt: t.attempt, statusCode: 200, startedAt: new Date(), durationMs: 3 })),
    );
    expect(owned).toEqual(new Set(done.map((t) => t.taskId)));
    const next = await claimWebhookTasks(driver, { maxTasks: 32, perEndpoint: 4, leaseMs: 60_000 });
    expect(next.map((t) => t.eventId)).toEqual(a.eventIds.slice(4, 6));
  });

  it("records a batch in one statement: tasks still ours are delivered, a lost lease is logged but left to its new owner, a failing streak ends", async () => {
    const { endpointId, eventIds } = await endpointWithEvents("record-batch", 3);
    await fanOutAll();
    const claimed = await claimWebhookTasks(driver, { maxTasks: 3, perEndpoint: 3, leaseMs: 60_000 });
    expect(claimed).toHaveLength(3);
    await db.prisma.webhookEndpoint.update({ where: { id: endpointId }, data: { failingSince: new Date(Date.now() - 60_000) } });
    // The third task's lease ran out and another dispatcher took it (attempt 2).
    const lost = claimed[2]!;
    await db.prisma.webhookTask.update({ where: { id: lost.taskId }, data: { attempts: 2 } });

    const attempts = claimed.map((t) => ({ taskId: t.taskId, endpointId, eventId: t.eventId, eventType: t.eventType, attempt: t.attempt, statusCode: 204, startedAt: new Date(), durationMs: 5 }));
    const owned = await recordDeliveredAttempts(driver, attempts);
    expect(owned).toEqual(new Set([claimed[0]!.taskId, claimed[1]!.taskId]));

    const tasks = await db.prisma.webhookTask.findMany({ where: { endpointId } });
    expect(tasks.filter((t) => t.state === "delivered").map((t) => t.id).sort()).toEqual([claimed[0]!.taskId, claimed[1]!.taskId].sort());
    expect(tasks.find((t) => t.id === lost.taskId)).toMatchObject({ state: "sending", attempts: 2 });
    const log = await db.prisma.webhookDelivery.findMany({ where: { endpointId } });
    expect(log.map((d) => d.eventId).sort()).toEqual([...eventIds].sort());
    expect(log.every((d) => d.statusCode === 204 && d.durationMs === 5 && d.attempt === 1 && d.error === null)).toBe(true);
    expect((await db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } })).failingSince).toBeNull();
    expect(await recordDeliveredAttempts(driver, [])).toEqual(new Set());
  });
});
