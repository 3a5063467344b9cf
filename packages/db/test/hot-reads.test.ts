import { randomUUID } from "node:crypto";
import { hashApiKey } from "@browserfleet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHotReadPool, createWorkspace, findApiKeyByHash, findApiKeyByHashHot, findJob, findJobHot, type HotReadPool } from "../src/index.ts";
import { useTemporaryPrisma } from "./temporary-prisma.ts";

// The driver's reads must give exactly what Prisma's give (the API serves them as the same types).
const db = useTemporaryPrisma();
let reads: HotReadPool;

beforeAll(() => {
  reads = createHotReadPool(db.database.url, { max: 2 });
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
});
