import { beforeAll, expect, it } from "vitest";
import { startApp } from "../support/app-process.ts";
import { apiClient } from "../support/http-client.ts";
import { waitForJob, waitUntil } from "../support/job-polling.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

const ctx = useStackWithSite();

beforeAll(async () => {
  });

it("an API told to stop answers its waiters first (long-poll: the job's state; sync call: 503 with job_id, its key freed), then exits 0", async () => {
  const api = await ctx.stack.startApi();
  const { apiKey } = await ctx.stack.newWorkspace("api-drain");
  const stopping = apiClient(`http://127.0.0.1:${api.port}`, apiKey);
  const other = apiClient(ctx.stack.apiUrl, apiKey);
  // A page that never answers, long-polled with the longest wait there is.
  const held = await other.post("/v1/quick/scrape", { url: `${ctx.site.origin}/hang?drain`, timeout_ms: 60_000, async: true });
  const heldId = held.body.id as string;
  const longPoll = stopping.get(`/v1/jobs/${heldId}?wait=120`);
  const syncBody = { url: `${ctx.site.origin}/gate?n=99&ms=6000&drain`, formats: ["text"] };
  const sync = stopping.post("/v1/quick/scrape", syncBody, { "idempotency-key": "drain-1" });
  await waitUntil(() => ctx.site.inFlightOf("/gate") > 0, 60_000, "the sync call's page rendering");
  const exited = new Promise<number | null>((resolve) => api.child.once("exit", (code) => resolve(code)));
  api.child.kill("SIGTERM");

  const [polled, answered] = await Promise.all([longPoll, sync]);
  expect(polled.status).toBe(200);
  expect(polled.body.id).toBe(heldId);
  expect(["queued", "running"]).toContain(polled.body.status);
  expect(answered.status, JSON.stringify(answered.body)).toBe(503);
  expect(answered.body.code).toBe("SERVICE_UNAVAILABLE");
  expect(answered.headers.get("retry-after")).toMatch(/^\d+$/);
  const syncJobId = answered.body.job_id as string;
  expect(syncJobId).toMatch(/^[0-9a-f-]{36}$/);
  // 0, not the 1 of SHUTDOWN_TIMEOUT_MS's deadline: the drain ended by itself.
  expect(await exited).toBe(0);

  // The job went on and can be polled; the key is free: the same call runs afresh on another API process.
  expect((await waitForJob(other, syncJobId, { timeoutMs: 60_000 })).status).toBe("completed");
  const again = await other.post("/v1/quick/scrape", syncBody, { "idempotency-key": "drain-1" });
  expect(again.status, JSON.stringify(again.body)).toBe(200);
  expect(again.headers.get("idempotent-replay")).toBeNull();
  expect(again.body.job_id).not.toBe(syncJobId);
  // Nothing of this test left in the worker for the next one, which stops it.
  expect((await other.post(`/v1/jobs/${heldId}/cancel`)).status).toBe(200);
});

it("a worker told to stop finishes the page it is rendering, then exits 0", async () => {
  const { apiKey } = await ctx.stack.newWorkspace("drain");
  const client = apiClient(ctx.stack.apiUrl, apiKey);
  const pending = client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/slow?ms=3000` });
  const deadline = Date.now() + 30_000;
  while (ctx.site.hits("/slow") === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const worker = ctx.stack.workers[0]!;
  const exited = new Promise<number | null>((resolve) => worker.child.once("exit", (code) => resolve(code)));
  worker.child.kill("SIGTERM");

  const res = await pending;
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: "completed", title: "Slow 3000" });
  expect(await exited).toBe(0);
  expect(ctx.site.hits("/slow")).toBe(1);
  expect(worker.logs.some((l) => l.includes("shutdown complete"))).toBe(true);
});

it("the dispatcher serves health, readiness and metrics, and exits 0 on SIGTERM", async () => {
  const dispatcher = await startApp("dispatcher", ctx.stack.env);
  try {
    const ops = apiClient(`http://127.0.0.1:${dispatcher.port}`);
    expect((await ops.get("/healthz")).status).toBe(200);
    expect((await ops.get("/readyz")).body).toMatchObject({ status: "ready" });
    expect((await ops.get<string>("/metrics")).body).toContain("browserfleet_process_cpu");
    const exited = new Promise<number | null>((resolve) => dispatcher.child.once("exit", (code) => resolve(code)));
    dispatcher.child.kill("SIGTERM");
    expect(await exited).toBe(0);
  } finally {
    await dispatcher.stop("SIGKILL");
  }
});
