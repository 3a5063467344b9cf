import { createWorkspace } from "@browserfleet/db";
import { expect, it } from "vitest";
import { apiClient } from "../support/http-client.ts";
import { allResults, balanceAndLedger, waitForJob, waitUntil } from "../support/job-polling.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

// The API runs in this process: these tests only talk to it over HTTP.
const ctx = useStackWithSite({ api: "in-process", env: { WORKER_CONCURRENCY: "4" } });

it("completes a batch with failing URLs, each item saying why, progress never going back", async () => {
  const { apiKey, workspaceId } = await ctx.stack.newWorkspace("mixed");
  const client = apiClient(ctx.stack.apiUrl, apiKey);
  const o = ctx.site.origin;
  const urls = [
    `${o}/simple`,
    `${o}/status/404`,
    "http://no-such-host.invalid/page",
    `${o}/hang`,
    `${o}/simple`, // duplicates are kept as separate items
    ...Array.from({ length: 10 }, (_, i) => `${o}/slow?ms=200&i=${i}`),
    `${o}/status/500`,
  ];
  const res = await client.post("/v1/quick/batch", { urls, formats: ["text"], timeout_ms: 15_000 });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body).toMatchObject({ kind: "batch", progress_total: urls.length, status_url: `/v1/jobs/${res.body.job_id}/status` });

  let last = 0;
  const seen: number[] = [];
  const poller = (async () => {
    for (;;) {
      const s = await client.get<{ status: string; progress_done: number; progress_total: number }>(`/v1/jobs/${res.body.job_id}/status`);
      expect(s.body.progress_done).toBeGreaterThanOrEqual(last);
      expect(s.body.progress_done).toBeLessThanOrEqual(s.body.progress_total);
      last = s.body.progress_done;
      seen.push(last);
      if (s.body.status === "completed") return;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const done = await waitForJob(client, res.body.job_id as string);
  await poller;
  expect(new Set(seen).size).toBeGreaterThan(2);
  const results = await allResults(client, done.id, 4);
  const failed = results.filter((r) => r.status === "failed").map((r) => `${r.url}: ${r.error_code} ${String(r.error_message)}`);
  expect(done, failed.join("\n")).toMatchObject({ status: "completed", progress_done: urls.length, progress_failed: 2, credits_charged: urls.length - 2 });
  expect(done.result).toEqual({ succeeded: urls.length - 2, failed: 2, result_url: `/v1/jobs/${done.id}/results` });

  expect(results.map((r) => r.url)).toEqual(urls);
  expect(results[0]).toMatchObject({ status: "completed", http_status: 200, title: "Fixture Simple" });
  expect(results[1]).toMatchObject({ status: "completed", http_status: 404 });
  expect(results[2]).toMatchObject({ status: "failed", error_code: "NAVIGATION_FAILED" });
  expect(results[3]).toMatchObject({ status: "failed", error_code: "TIMEOUT" });
  expect(results[4]).toMatchObject({ status: "completed", title: "Fixture Simple" });
  expect(results[urls.length - 1]).toMatchObject({ status: "completed", http_status: 500 });
  const { balance, ledgerSum } = await balanceAndLedger(ctx.stack.prisma, workspaceId);
  expect(balance).toBe(100 - (urls.length - 2));
  expect(ledgerSum).toBe(balance);
}, 600_000);

it("cancels a batch: queued pages never start, running ones stop, nothing unfinished is charged", async () => {
  const { apiKey, workspaceId } = await ctx.stack.newWorkspace("cancel");
  const client = apiClient(ctx.stack.apiUrl, apiKey);
  const urls = Array.from({ length: 40 }, (_, i) => `${ctx.site.origin}/slow?ms=2000&c=${i}`);
  const res = await client.post("/v1/quick/batch", { urls, formats: ["text"] });
  expect(res.status).toBe(202);
  const jobId = res.body.job_id as string;

  await waitUntil(() => ctx.site.inFlightOf("/slow") >= 4, 120_000, "4 pages running");
  const cancel = await client.post(`/v1/jobs/${jobId}/cancel`);
  expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
  expect(cancel.body).toMatchObject({ id: jobId, status: "cancelled", error_code: "CANCELLED" });
  const hitsAtCancel = ctx.site.hits("/slow");

  // Running pages stop (the browser drops their connections) and no queued page starts.
  await waitUntil(() => ctx.site.inFlightOf("/slow") === 0, 30_000, "running pages stopped");
  await new Promise((r) => setTimeout(r, 4_000));
  expect(ctx.site.hits("/slow")).toBe(hitsAtCancel);

  const again = await client.post(`/v1/jobs/${jobId}/cancel`);
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ code: "JOB_TERMINAL" });

  const job = (await client.get(`/v1/jobs/${jobId}`)).body;
  const results = await allResults(client, jobId);
  const completed = results.filter((r) => r.status === "completed").length;
  // Cancelled pages show as failed with error_code CANCELLED (api.md: an item is completed or failed).
  expect(results.filter((r) => r.status === "failed" && r.error_code === "CANCELLED").length).toBe(40 - completed);
  expect(results.filter((r) => r.status !== "completed").every((r) => r.status === "failed" && r.error_code === "CANCELLED")).toBe(true);
  expect(job).toMatchObject({ status: "cancelled", credits_charged: completed });
  const { balance, ledgerSum } = await balanceAndLedger(ctx.stack.prisma, workspaceId);
  expect(balance).toBe(100 - completed);
  expect(ledgerSum).toBe(balance);

  expect((await client.post(`/v1/jobs/00000000-0000-4000-8000-000000000000/cancel`)).status).toBe(404);
  expect((await client.post(`/v1/jobs/not-a-uuid/cancel`)).body).toMatchObject({ code: "INVALID_ID" });
  const other = apiClient(ctx.stack.apiUrl, (await ctx.stack.newWorkspace("other")).apiKey);
  expect((await other.post(`/v1/jobs/${jobId}/cancel`)).status).toBe(404);
}, 600_000);

it("admits only the batches the balance covers when 20 arrive at once, and the ledger sums exactly", async () => {
  // 32 credits and 5-page batches: the same race (20 at once, 6 covered) with a third of the pages
  // to render as with 100 credits and 15-page batches.
  const created = await createWorkspace(ctx.stack.prisma, { name: "race", initialCredits: 32 });
  const workspaceId = created.workspace.id;
  const client = apiClient(ctx.stack.apiUrl, created.apiKey.key);
  const urls = Array.from({ length: 5 }, (_, i) => `${ctx.site.origin}/simple?r=${i}`);
  const answers = await Promise.all(Array.from({ length: 20 }, () => client.post("/v1/quick/batch", { urls })));
  const accepted = answers.filter((a) => a.status === 202);
  const refused = answers.filter((a) => a.status === 402);
  expect(accepted.length + refused.length).toBe(20);
  expect(accepted.length).toBe(6); // 6 × 5 = 30 of the 32 credits; a seventh would need 35
  expect(refused.every((r) => r.body.code === "INSUFFICIENT_CREDIT")).toBe(true);

  const mid = await balanceAndLedger(ctx.stack.prisma, workspaceId);
  expect(mid.balance).toBeGreaterThanOrEqual(0);
  expect(mid.ledgerSum).toBe(mid.balance);

  const finished = await Promise.all(accepted.map((a) => waitForJob(client, a.body.job_id as string)));
  const charged = finished.reduce((s, j) => s + j.credits_charged, 0);
  expect(charged).toBe(30);
  const end = await balanceAndLedger(ctx.stack.prisma, workspaceId);
  expect(end.balance).toBe(2);
  expect(end.ledgerSum).toBe(end.balance);
  const jobs = await ctx.stack.prisma.job.count({ where: { workspaceId } });
  expect(jobs).toBe(6);
}, 600_000);

it("validates a batch as a whole, naming the bad indexes", async () => {
  const { apiKey, workspaceId } = await ctx.stack.newWorkspace("validate");
  const client = apiClient(ctx.stack.apiUrl, apiKey);
  const o = ctx.site.origin;
  const bad = await client.post("/v1/quick/batch", { urls: [`${o}/simple`, `${o}/simple`, "not a url"] });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ code: "BAD_REQUEST", details: [{ path: "urls.2" }] });
  const ssrf = await client.post("/v1/quick/batch", { urls: [`${o}/simple`, "http://169.254.169.254/latest", "http://10.0.0.1/"] });
  expect(ssrf.status).toBe(422);
  expect(ssrf.body).toMatchObject({ code: "URL_NOT_ALLOWED", details: [{ path: "urls.1" }, { path: "urls.2" }] });
  expect((await client.post("/v1/quick/batch", { urls: [] })).status).toBe(400);
  expect((await client.post("/v1/quick/batch", { urls: Array.from({ length: 1001 }, () => `${o}/simple`) })).status).toBe(400);
  expect((await client.post("/v1/quick/batch", {})).body).toMatchObject({ code: "BAD_REQUEST", details: [{ path: "urls" }] });
  const costly = await client.post("/v1/quick/batch", { urls: Array.from({ length: 101 }, () => `${o}/simple`) });
  expect(costly.status).toBe(402);
  expect(await ctx.stack.prisma.job.count({ where: { workspaceId } })).toBe(0);
}, 600_000);
