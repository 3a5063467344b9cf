import { afterAll, beforeAll, expect, it } from "vitest";
import { startFixtureSite, type FixtureSite } from "../support/fixture-site.ts";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { allResults, balanceAndLedger, waitForJob, waitUntil, type Envelope } from "../support/job-polling.ts";
import { startPrivateRedis, type PrivateRedis } from "../support/private-redis.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

// The stack runs on a Redis of this file's own, so the test can restart it without touching
// anyone else's. Short leases and a fast reconciler let lost work come back within seconds
// (the reconciler passes every second and repairs items a second old: what Redis lost comes
// back within ~2 s of its restart). The API runs in this process: the tests kill workers and
// restart Redis, never the API, so it needs no process of its own.
let redis: PrivateRedis;
let stack: TestStack<ApiHandle>;
let site: FixtureSite;

beforeAll(async () => {
  redis = await startPrivateRedis();
  [stack, site] = await Promise.all([
    startTestStack({ api: "in-process", workers: 1, env: { REDIS_URL: redis.url, JOB_LOCK_MS: "3000", RECONCILE_INTERVAL_MS: "1000", RECONCILE_GRACE_MS: "1000" } }),
    startFixtureSite(),
  ]);
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  await site?.close();
  await redis?.stop();
}, 600_000);

const PAGES = 60;

async function startBatch(tag: string): Promise<{ client: ReturnType<typeof apiClient>; jobId: string; workspaceId: string; urls: string[] }> {
  const { apiKey, workspaceId } = await stack.newWorkspace(tag);
  const client = apiClient(stack.apiUrl, apiKey);
  const urls = Array.from({ length: PAGES }, (_, i) => `${site.origin}/slow?ms=300&${tag}=${i}`);
  const res = await client.post("/v1/quick/batch", { urls, formats: ["text"] });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return { client, jobId: res.body.job_id as string, workspaceId, urls };
}

const progressOf = async (client: ReturnType<typeof apiClient>, jobId: string): Promise<number> =>
  (await client.get<{ progress_done: number }>(`/v1/jobs/${jobId}/status`)).body.progress_done;

/** Every URL exactly once, all counters agree, credits charged = succeeded items, ledger = balance. */
async function expectExactlyOnce(run: Awaited<ReturnType<typeof startBatch>>, done: Envelope): Promise<void> {
  expect(done).toMatchObject({ status: "completed", progress_done: PAGES, progress_total: PAGES });
  const results = await allResults(run.client, run.jobId);
  expect(results.map((r) => r.url)).toEqual(run.urls);
  const succeeded = results.filter((r) => r.status === "completed").length;
  expect(succeeded + done.progress_failed).toBe(PAGES);
  expect(done.credits_charged).toBe(succeeded);
  const payloads = await stack.prisma.jobItemPayload.count({ where: { item: { jobId: run.jobId } } });
  expect(payloads).toBe(succeeded);
  const { balance, ledgerSum } = await balanceAndLedger(stack.prisma, run.workspaceId);
  expect(ledgerSum).toBe(balance);
  expect(balance).toBe(100 - succeeded);
}

it("finishes a batch exactly once although its worker is SIGKILLed twice", async () => {
  const run = await startBatch("kill");
  await waitUntil(async () => (await progressOf(run.client, run.jobId)) >= 10, 300_000, "10 pages done");
  // The SIGKILL is sent before the replacement is spawned; its start overlaps only the wait for the exit.
  await Promise.all([stack.workers[0]!.stop("SIGKILL"), stack.startWorker()]);
  await waitUntil(async () => (await progressOf(run.client, run.jobId)) >= 35, 300_000, "35 pages done");
  await Promise.all([stack.workers[1]!.stop("SIGKILL"), stack.startWorker()]);

  let last = 0;
  const done = await waitForJob(run.client, run.jobId, {
    onPoll: (e) => {
      expect(e.progress_done).toBeGreaterThanOrEqual(last);
      expect(e.progress_done).toBeLessThanOrEqual(e.progress_total);
      last = e.progress_done;
    },
  });
  await expectExactlyOnce(run, done);
  const retried = await stack.prisma.jobItem.count({ where: { jobId: run.jobId, attempt: { gt: 1 } } });
  console.log(`after two SIGKILLs: ${site.hits("/slow")} renders for ${PAGES} pages, ${retried} items ran more than once, one result each`);
}, 600_000);

it("finishes a batch exactly once although Redis restarts empty mid-batch", async () => {
  const run = await startBatch("redis");
  await waitUntil(async () => (await progressOf(run.client, run.jobId)) >= 15, 300_000, "15 pages done");
  await redis.stop();
  await new Promise((r) => setTimeout(r, 1_000));
  await redis.start();

  const done = await waitForJob(run.client, run.jobId);
  await expectExactlyOnce(run, done);
  console.log(`after a Redis restart: ${PAGES} pages, every one exactly once`);
}, 600_000);
