import { afterAll, beforeAll, expect, it } from "vitest";
import { startFixtureSite, type FixtureSite } from "../support/fixture-site.ts";
import { apiClient } from "../support/http-client.ts";
import { allResults, balanceAndLedger, waitForJob, waitUntil, type Envelope } from "../support/job-polling.ts";
import { startPrivateRedis, type PrivateRedis } from "../support/private-redis.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

// The stack runs on a Redis of this file's own, so the test can restart it without touching
// anyone else's. Short leases and a fast reconciler let lost work come back within seconds.
let redis: PrivateRedis;
let stack: TestStack;
let site: FixtureSite;

beforeAll(async () => {
  redis = await startPrivateRedis();
  [stack, site] = await Promise.all([
    startTestStack({ workers: 1, env: { REDIS_URL: redis.url, JOB_LOCK_MS: "3000", RECONCILE_INTERVAL_MS: "2000", RECONCILE_GRACE_MS: "2000" } }),
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
  await stack.workers[0]!.stop("SIGKILL");
  await stack.startWorker();
  await waitUntil(async () => (await progressOf(run.client, run.jobId)) >= 35, 300_000, "35 pages done");
  await stack.workers[1]!.stop("SIGKILL");
  await stack.startWorker();

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
