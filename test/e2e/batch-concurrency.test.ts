import { grantCredits, setWorkspaceMaxConcurrency } from "@browserfleet/db";
import { expect, it } from "vitest";
import { apiClient } from "../support/http-client.ts";
import { allResults, waitForJob } from "../support/job-polling.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

// Two worker processes of 8 slots each: 16 pages could run at once, so only the admission
// controller keeps a workspace to its max_concurrency. The API runs in this process: the tests only talk to it over HTTP.
const ctx = useStackWithSite({ api: "in-process", workers: 2, env: { WORKER_CONCURRENCY: "8" } });

const slowUrls = (n: number, ms: number, tag: string): string[] => Array.from({ length: n }, (_, i) => `${ctx.site.origin}/slow?ms=${ms}&${tag}=${i}`);
/** Pages the fixture holds until `limit` of them are in flight together (or 15 s pass). */
const gatedUrls = (n: number, limit: number, tag: string): string[] => Array.from({ length: n }, (_, i) => `${ctx.site.origin}/gate?n=${limit}&ms=15000&${tag}=${i}`);

/** Pages of each gated batch, and of the big workspace's batch: enough to show the limits and the fairness, no more (CI time). */
const PAGES = 48;
const BIG = 120;

async function runBatch(apiKey: string, urls: string[]): Promise<string> {
  const client = apiClient(ctx.stack.apiUrl, apiKey);
  // The longest page timeout: a gated page may wait for its peers on a busy machine.
  const res = await client.post("/v1/quick/batch", { urls, formats: ["text"], timeout_ms: 60_000 });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body).toMatchObject({ kind: "batch", status: "queued", progress_total: urls.length });
  return res.body.job_id as string;
}

async function failures(client: ReturnType<typeof apiClient>, jobId: string): Promise<string> {
  const failed = (await allResults(client, jobId)).filter((r) => r.status !== "completed");
  return failed.map((r) => `${r.url}: ${r.error_code} ${String(r.error_message)}`).join("\n");
}

it("keeps a workspace to max_concurrency 4 across two workers, then to 8 once raised", async () => {
  const { apiKey, workspaceId } = await ctx.stack.newWorkspace("concurrency");
  await grantCredits(ctx.stack.prisma, { workspaceId, amount: 200 });
  const client = apiClient(ctx.stack.apiUrl, apiKey);

  // Gated pages: the fixture holds each until `limit` are in flight together, so the limit is
  // reached however slow the machine is, and a page admitted beyond it would be seen in flight.
  for (const limit of [4, 8]) {
    await setWorkspaceMaxConcurrency(ctx.stack.prisma, workspaceId, limit);
    ctx.site.resetCounters();
    // 48 pages: whole rounds of 4 and of 8, so no page is left waiting for peers that never come.
    const jobId = await runBatch(apiKey, gatedUrls(PAGES, limit, `c${limit}`));
    const done = await waitForJob(client, jobId, { timeoutMs: 900_000 });
    expect(done, await failures(client, jobId)).toMatchObject({ status: "completed", progress_done: PAGES, progress_failed: 0 });
    console.log(`max_concurrency ${limit}: most pages in flight at once = ${ctx.site.maxInFlightOf("/gate")}`);
    expect(ctx.site.maxInFlightOf("/gate")).toBe(limit);
  }
}, 1_200_000);

it("does not make a small workspace wait behind a big one", async () => {
  const a = await ctx.stack.newWorkspace("big");
  const b = await ctx.stack.newWorkspace("small");
  await grantCredits(ctx.stack.prisma, { workspaceId: a.workspaceId, amount: BIG });
  const clientA = apiClient(ctx.stack.apiUrl, a.apiKey);
  const clientB = apiClient(ctx.stack.apiUrl, b.apiKey);

  const jobA = await runBatch(a.apiKey, slowUrls(BIG, 300, "a"));
  // B arrives once A's pages are flowing (8 of them done).
  while ((await clientA.get<{ progress_done: number }>(`/v1/jobs/${jobA}/status`)).body.progress_done < 8) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const jobB = await runBatch(b.apiKey, slowUrls(10, 300, "b"));
  const doneB = await waitForJob(clientB, jobB, { timeoutMs: 900_000 });
  const aWhenBDone = (await clientA.get<{ progress_done: number; status: string }>(`/v1/jobs/${jobA}/status`)).body;
  const doneA = await waitForJob(clientA, jobA, { timeoutMs: 900_000 });

  const seconds = (e: Record<string, unknown>): number => (Date.parse(e.completed_at as string) - Date.parse(e.created_at as string)) / 1000;
  console.log(`fairness: B (10 pages) took ${seconds(doneB).toFixed(1)} s; A (${BIG} pages) took ${seconds(doneA).toFixed(1)} s; A had ${aWhenBDone.progress_done}/${BIG} done when B finished`);
  expect(doneB).toMatchObject({ status: "completed", progress_done: 10 });
  expect(doneA).toMatchObject({ status: "completed", progress_done: BIG });
  // B finished while most of A was still waiting: it was not queued behind A's pages.
  expect(aWhenBDone.status).not.toBe("completed");
  expect(aWhenBDone.progress_done).toBeLessThan(BIG / 2);
  expect(Date.parse(doneB.completed_at as string)).toBeLessThan(Date.parse(doneA.completed_at as string));
  const resultsB = await allResults(clientB, jobB);
  expect(resultsB.map((r) => r.url)).toEqual(slowUrls(10, 300, "b"));
}, 1_200_000);
