import { randomUUID } from "node:crypto";
import { hashApiKey } from "@browserfleet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDriverPool, createJob, createJobHot, createWorkspace, findApiKeyAndJobHot, findApiKeyByHash, findApiKeyByHashHot, findJob, findJobHot, type DriverPool } from "../src/index.ts";
import { useTemporaryPrisma } from "./temporary-prisma.ts";

// The driver's reads must give exactly what Prisma's give (the API serves them as the same types).
const db = useTemporaryPrisma();
let reads: DriverPool;

beforeAll(() => {
  reads = createDriverPool(db.database.url, { max: 2 });
});
afterAll(async () => {
  await reads?.close();
});

describe("hot reads through the pg driver", () => {
  it("finds an API key by hash with its workspace's limits, revoked or not, exactly as findApiKeyByHash does", async () => {
    const { workspace, apiKey } = await createWorkspace(db.prisma, { name: "hot-keys" });
    await db.prisma.workspace.update({ where: { id: workspace.id }, data: { maxConcurrency: 7, requestsPerMinute: 1234, submissionsPerSecond: 56 } });
    const hash = hashApiKey(apiKey.key);
    expect(await findApiKeyByHashHot(reads, hash)).toEqual(await findApiKeyByHash(db.prisma, hash));
    expect(await findApiKeyByHashHot(reads, hash)).toMatchObject({ workspaceId: workspace.id, maxConcurrency: 7, requestsPerMinute: 1234, submissionsPerSecond: 56, revokedAt: null });
    await db.prisma.apiKey.update({ where: { id: apiKey.id }, data: { revokedAt: new Date() } });
    const revoked = await findApiKeyByHashHot(reads, hash);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    expect(revoked).toEqual(await findApiKeyByHash(db.prisma, hash));
    expect(await findApiKeyByHashHot(reads, hashApiKey("agt_live_00000000000000000000000000000000"))).toBeNull();
  });

  it("reads a job row column for column as Prisma's Job: every field set, every nullable one null, and none for another workspace", async () => {
    const { workspace } = await createWorkspace(db.prisma, { name: "hot-jobs" });
    const { workspace: other } = await createWorkspace(db.prisma, { name: "hot-jobs-other" });
    const agent = await db.prisma.agent.create({
      data: { id: `agt_${"a".repeat(20)}`, workspaceId: workspace.id, mode: "burner", osType: "linux", country: "US", idleTimeoutSeconds: 300 },
    });
    const bare = await db.prisma.job.create({ data: { id: randomUUID(), workspaceId: workspace.id, kind: "scrape", params: { url: "https://example.com", formats: ["html"] } } });
    const full = await db.prisma.job.create({
      data: {
        id: randomUUID(),
        workspaceId: workspace.id,
        kind: "task",
        status: "input_required",
        params: { task: "find the price", nested: { list: [1, "two", null, true], n: 1.5 } },
        sync: true,
        progressDone: 3,
        progressFailed: 1,
        progressTotal: 9,
        creditsReserved: 20,
        creditsCharged: 4,
        errorCode: "LLM_ERROR",
        errorMessage: "the provider said: ünïcode ✓",
        crawlRobotsTxt: "User-agent: *\nDisallow: /private",
        startedAt: new Date("2026-12-01T10:00:00.123Z"),
        completedAt: new Date("2026-12-01T10:05:00.456Z"),
        resultsDeletedAt: new Date("2026-12-02T00:00:00.789Z"),
        agentId: agent.id,
        stepCount: 4,
        taskResult: { question: "Which colour?", steps_taken: 4 },
      },
    });
    for (const job of [bare, full]) {
      const hot = await findJobHot(reads, workspace.id, job.id);
      expect(hot).toEqual(await findJob(db.prisma, workspace.id, job.id));
      expect(Object.keys(hot!).sort()).toEqual(Object.keys(job).sort());
      expect(await findJobHot(reads, other.id, job.id)).toBeNull();
    }
    expect(await findJobHot(reads, workspace.id, randomUUID())).toBeNull();
  });

  it("reads a key and a job in one statement as the two reads do: the job only in the key's workspace, the key revoked or not, nothing for an unknown key", async () => {
    const { workspace, apiKey } = await createWorkspace(db.prisma, { name: "hot-key-job" });
    const { workspace: other, apiKey: otherKey } = await createWorkspace(db.prisma, { name: "hot-key-job-other" });
    await db.prisma.workspace.update({ where: { id: workspace.id }, data: { maxConcurrency: 6, requestsPerMinute: 321, submissionsPerSecond: 9 } });
    const job = await db.prisma.job.create({ data: { id: randomUUID(), workspaceId: workspace.id, kind: "batch", params: { urls: 2 }, errorMessage: "x" } });
    const hash = hashApiKey(apiKey.key);
    const both = await findApiKeyAndJobHot(reads, hash, job.id);
    expect(both.key).toEqual(await findApiKeyByHash(db.prisma, hash));
    expect(both.job).toEqual(await findJob(db.prisma, workspace.id, job.id));
    expect(Object.keys(both.job!).sort()).toEqual(Object.keys(job).sort());
    // Another workspace's key finds itself, never the job; an unknown job id is null; an unknown key is nothing at all.
    const foreign = await findApiKeyAndJobHot(reads, hashApiKey(otherKey.key), job.id);
    expect(foreign).toEqual({ key: await findApiKeyByHash(db.prisma, hashApiKey(otherKey.key)), job: null });
    expect(foreign.key?.workspaceId).toBe(other.id);
    expect((await findApiKeyAndJobHot(reads, hash, randomUUID())).job).toBeNull();
    expect(await findApiKeyAndJobHot(reads, hashApiKey("agt_live_00000000000000000000000000000000"), job.id)).toEqual({ key: null, job: null });
    await db.prisma.apiKey.update({ where: { id: apiKey.id }, data: { revokedAt: new Date() } });
    expect((await findApiKeyAndJobHot(reads, hash, job.id)).key?.revokedAt).toBeInstanceOf(Date);
  });
});

describe("createJobHot: createJob in one statement", () => {
  const rowsOf = async (jobId: string) => ({
    job: await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } }),
    items: await db.prisma.jobItem.findMany({ where: { jobId }, orderBy: { seq: "asc" } }),
    ledger: await db.prisma.creditLedgerEntry.findMany({ where: { jobId } }),
  });
  // What must agree between the two: everything but ids and times.
  const comparable = ({ job, items, ledger }: Awaited<ReturnType<typeof rowsOf>>) => ({
    job: { ...job, id: undefined, createdAt: undefined, updatedAt: undefined },
    items: items.map((i) => ({ ...i, id: undefined, jobId: undefined, createdAt: undefined })),
    ledger: ledger.map((l) => ({ ...l, id: undefined, jobId: undefined, createdAt: undefined, balanceAfter: undefined })),
  });

  it("writes the same job, items (crawl url keys and depths too) and reservation as createJob, and returns the job as Prisma's Job", async () => {
    const { workspace } = await createWorkspace(db.prisma, { name: "hot-create" });
    const input = {
      workspaceId: workspace.id,
      kind: "crawl" as const,
      params: { formats: ["html", "markdown"], limit: 3, nested: { a: [1, null] } },
      sync: false,
      urls: [{ url: "https://example.com/" , urlKey: "https://example.com/" }, { url: "https://example.com/a", depth: 1, urlKey: "https://example.com/a" }, { url: "https://example.com/b", depth: 2 }],
      reserve: 3,
    };
    const viaPrisma = await createJob(db.prisma, input);
    const hot = await createJobHot(reads, input);
    expect(hot.job).toEqual(await findJob(db.prisma, workspace.id, hot.job.id));
    expect(hot.itemIds).toEqual((await db.prisma.jobItem.findMany({ where: { jobId: hot.job.id }, orderBy: { seq: "asc" } })).map((i) => i.id));
    expect(comparable(await rowsOf(hot.job.id))).toEqual(comparable(await rowsOf(viaPrisma.job.id)));
    const balance = (await db.prisma.workspace.findUniqueOrThrow({ where: { id: workspace.id } })).creditBalance;
    expect(balance).toBe(100 - 6);
    const ledger = await db.prisma.creditLedgerEntry.findMany({ where: { workspaceId: workspace.id }, orderBy: { createdAt: "asc" } });
    expect(ledger.reduce((n, e) => n + e.delta, 0)).toBe(balance);
    expect((await rowsOf(hot.job.id)).ledger).toEqual([expect.objectContaining({ delta: -3, balanceAfter: balance, reason: "job_reserve" })]);
  });

  it("refuses a reservation the balance cannot cover with INSUFFICIENT_CREDIT and writes nothing; a job reserving 0 writes no ledger entry", async () => {
    const { workspace } = await createWorkspace(db.prisma, { name: "hot-create-poor" });
    const base = { workspaceId: workspace.id, kind: "batch" as const, params: {}, sync: false, urls: [{ url: "https://example.com/" }] };
    await expect(createJobHot(reads, { ...base, reserve: 101 })).rejects.toMatchObject({ code: "INSUFFICIENT_CREDIT" });
    expect(await db.prisma.job.count({ where: { workspaceId: workspace.id } })).toBe(0);
    expect(await db.prisma.jobItem.count({ where: { workspaceId: workspace.id } })).toBe(0);
    expect((await db.prisma.workspace.findUniqueOrThrow({ where: { id: workspace.id } })).creditBalance).toBe(100);
    const free = await createJobHot(reads, { ...base, reserve: 0 });
    expect((await rowsOf(free.job.id)).ledger).toEqual([]);
    expect((await db.prisma.workspace.findUniqueOrThrow({ where: { id: workspace.id } })).creditBalance).toBe(100);
    // A whole batch of 1,000 in the one statement, the balance exactly spent.
    const many = await createJobHot(reads, { ...base, urls: Array.from({ length: 1000 }, (_, i) => ({ url: `https://example.com/${i}` })), reserve: 100 });
    expect(many.itemIds).toHaveLength(1000);
    expect(await db.prisma.jobItem.count({ where: { jobId: many.job.id } })).toBe(1000);
    expect((await db.prisma.workspace.findUniqueOrThrow({ where: { id: workspace.id } })).creditBalance).toBe(0);
  });
});
