import { expect, it } from "vitest";
import { apiClient } from "../support/http-client.ts";
import { allResults, balanceAndLedger, waitForJob, waitUntil } from "../support/job-polling.ts";
import { chromiumBrowsersOf, chromiumRenderersOf } from "../support/process-tree.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

// A short lock lets a dead worker's page come back quickly.
const ctx = useStackWithSite({ env: { JOB_LOCK_MS: "3000" } });

/** The sync page's delay: long enough that the worker is killed mid-page (the kill follows its first request within ~50 ms), short since the retry waits it again. */
const SYNC_PAGE_MS = 2_000;
/** The batches' page delay: all four pages must be in flight together before the kill (their starts spread well under 1 s even on a loaded machine), and each retry waits it again. */
const BATCH_PAGE_MS = 5_000;

it("a sync scrape survives its worker being SIGKILLed mid-page, with exactly one result", async () => {
  const { apiKey, workspaceId } = await ctx.stack.newWorkspace("crash");
  const client = apiClient(ctx.stack.apiUrl, apiKey);
  const pending = client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/slow?ms=${SYNC_PAGE_MS}`, formats: ["html", "text"] });

  await waitUntil(() => ctx.site.hits("/slow") === 1, 30_000, "the sync page requested");
  await ctx.stack.workers[0]!.stop("SIGKILL");
  await ctx.stack.startWorker();

  const res = await pending;
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ status: "completed", title: `Slow ${SYNC_PAGE_MS}`, cost_credits: 1 });
  expect(ctx.site.hits("/slow")).toBe(2);

  expect(res.body.text).toContain(`waited ${SYNC_PAGE_MS} ms`);
  const items = await ctx.stack.prisma.jobItem.findMany({ where: { workspaceId } });
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({ status: "completed", attempt: 2 });
  // One payload row: the first, killed run wrote nothing.
  expect(await ctx.stack.prisma.jobItemPayload.count({ where: { itemId: items[0]!.id } })).toBe(1);
  const job = await ctx.stack.prisma.job.findUniqueOrThrow({ where: { id: res.body.job_id as string } });
  expect(job).toMatchObject({ progressDone: 1, progressTotal: 1, creditsCharged: 1, status: "completed" });
  const ws = await ctx.stack.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  expect(ws.creditBalance).toBe(99);
  const ledger = await ctx.stack.prisma.creditLedgerEntry.findMany({ where: { workspaceId } });
  expect(ledger.reduce((s, e) => s + e.delta, 0)).toBe(99);
});

/** The worker running now (the first test replaces the stack's first one). */
const liveWorker = () => ctx.stack.workers.at(-1)!;

/** Two-page batches of slow pages for two workspaces, all four pages in flight on the one worker at once. */
async function slowBatchesInFlight(tag: string): Promise<{ workspaceId: string; client: ReturnType<typeof apiClient>; jobId: string }[]> {
  const before = ctx.site.hits("/slow");
  const tenants = await Promise.all(["a", "b"].map(async (name) => {
    const { apiKey, workspaceId } = await ctx.stack.newWorkspace(`${tag}-${name}`);
    const client = apiClient(ctx.stack.apiUrl, apiKey);
    const res = await client.post("/v1/quick/batch", { urls: [1, 2].map((n) => `${ctx.site.origin}/slow?ms=${BATCH_PAGE_MS}&page=${name}${n}`), formats: ["text"] });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return { workspaceId, client, jobId: res.body.job_id as string };
  }));
  await waitUntil(() => ctx.site.hits("/slow") - before === 4 && ctx.site.inFlightOf("/slow") === 4, 60_000, "all four pages in flight");
  return tenants;
}

/** Every page completed once, on its second render, charged once: nothing of the crash shows but the retry. */
async function expectAllCompletedOnce(tenants: Awaited<ReturnType<typeof slowBatchesInFlight>>): Promise<void> {
  for (const { client, jobId, workspaceId } of tenants) {
    const job = await waitForJob(client, jobId, { timeoutMs: 90_000 });
    expect(job).toMatchObject({ status: "completed", progress_done: 2, progress_failed: 0, progress_total: 2, credits_charged: 2 });
    const results = await allResults(client, jobId);
    expect(results.map((r) => [r.status, r.error_code])).toEqual([["completed", null], ["completed", null]]);
    const items = await ctx.stack.prisma.jobItem.findMany({ where: { jobId } });
    // The crashed render is one attempt of at most JOB_MAX_ATTEMPTS (3): each page ran exactly twice.
    expect(items.map((i) => [i.status, i.attempt])).toEqual([["completed", 2], ["completed", 2]]);
    expect(await balanceAndLedger(ctx.stack.prisma, workspaceId)).toEqual({ balance: 98, ledgerSum: 98 });
  }
}

it("a killed Chromium fails no page for good: every page it held, of both workspaces, runs again and completes once", async () => {
  const worker = liveWorker();
  const tenants = await slowBatchesInFlight("browser-kill");
  const browsers = chromiumBrowsersOf(worker.child.pid!);
  expect(browsers).toHaveLength(1);
  process.kill(browsers[0]!, "SIGKILL");

  await expectAllCompletedOnce(tenants);
  // The pool launched a new Chromium for the retries.
  expect(chromiumBrowsersOf(worker.child.pid!).filter((pid) => pid !== browsers[0])).toHaveLength(1);
  const retried = worker.logs.filter((l) => l.includes("the browser failed under the page; it runs again"));
  expect(retried).toHaveLength(4);
});

it("a crashed renderer fails its pages only for a retry", async () => {
  const worker = liveWorker();
  const tenants = await slowBatchesInFlight("renderer-kill");
  const renderers = chromiumRenderersOf(worker.child.pid!);
  expect(renderers.length).toBeGreaterThan(0);
  // Every renderer: each in-flight page's document lives in one of them (idle ones die harmlessly).
  for (const pid of renderers) process.kill(pid, "SIGKILL");

  await expectAllCompletedOnce(tenants);
});
