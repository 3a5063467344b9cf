import { beforeAll, describe, expect, it } from "vitest";
import { setWorkspaceMaxConcurrency } from "@browserfleet/db";
import { apiClient } from "../support/http-client.ts";
import { allResults, waitUntil } from "../support/job-polling.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";

type Body = Record<string, unknown>;
const ctx = useStackWithSite();
let client: ReturnType<typeof apiClient>;
let workspaceId: string;

beforeAll(async () => {
  const ws = await ctx.stack.newWorkspace("quick");
  workspaceId = ws.workspaceId;
  client = apiClient(ctx.stack.apiUrl, ws.apiKey);
});

const PNG_MAGIC = "89504e470d0a1a0a";
const isPng = (b64: unknown): boolean => typeof b64 === "string" && Buffer.from(b64, "base64").subarray(0, 8).toString("hex") === PNG_MAGIC;

describe("sync scrape", () => {
  it("returns html by default, with job id and cost", async () => {
    const res = await client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/simple` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ url: `${ctx.site.origin}/simple`, status: "completed", http_status: 200, title: "Fixture Simple", cost_credits: 1 });
    expect(res.body.html).toContain("rendered by script");
    expect(res.body.final_url).toBe(`${ctx.site.origin}/simple`);
    expect(res.body.job_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.text).toBeUndefined();
    expect(res.body.error_code).toBeNull();
  });

  it("returns each requested format, ignoring unknown ones", async () => {
    const res = await client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/simple`, formats: ["text", "links", "screenshot", "markdown"] });
    expect(res.status).toBe(200);
    expect(res.body.html).toBeUndefined();
    expect(res.body.text).toContain("The quick brown fox");
    expect(res.body.text).toContain("rendered by script");
    expect(res.body.links).toEqual([`${ctx.site.origin}/page/1`, `${ctx.site.origin}/page/2`, "https://example.invalid/away"]);
    expect(isPng(res.body.screenshot_png_b64)).toBe(true);
  });

  it("caps text at max_chars", async () => {
    const res = await client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/page/3`, formats: ["text"], max_chars: 50 });
    expect(res.status).toBe(200);
    expect((res.body.text as string).length).toBe(50);
  });

  it("treats a site's 404 page as a completed page with http_status 404", async () => {
    const res = await client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/status/404` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "completed", http_status: 404, title: "Not Found" });
  });

  it("answers 504 with job_id for a page that never answers, and stays healthy", async () => {
    const res = await client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/hang`, timeout_ms: 2_000 });
    expect(res.status).toBe(504);
    expect(res.body.code).toBe("UPSTREAM_TIMEOUT");
    const jobId = res.body.job_id as string;
    const job = await client.get(`/v1/jobs/${jobId}`);
    expect(job.body).toMatchObject({ status: "failed", error_code: "TIMEOUT", credits_charged: 0 });
    expect((await apiClient(ctx.stack.apiUrl).get("/healthz")).status).toBe(200);
    const next = await client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/simple` });
    expect(next.status).toBe(200);
  });

  it("answers 502 with job_id when the site cannot be reached", async () => {
    const res = await client.post("/v1/quick/scrape", { url: "http://127.0.0.1:9/closed-port" });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe("UPSTREAM_UNAVAILABLE");
    const job = await client.get(`/v1/jobs/${res.body.job_id as string}`);
    expect(job.body).toMatchObject({ status: "failed", error_code: "NAVIGATION_FAILED" });
  });
});

describe("sync calls next to the workspace's own batches", () => {
  /** Items of a job in one state, read from Postgres (the truth) at this instant. */
  const itemsIn = (jobId: string, status: "queued" | "running") => ctx.stack.prisma.jobItem.count({ where: { jobId, status } });

  it("runs a sync call in its own lane: it finishes while most of a batch queued before it still waits, within max_concurrency 1", async () => {
    const ws = await ctx.stack.newWorkspace("lanes");
    await setWorkspaceMaxConcurrency(ctx.stack.prisma, ws.workspaceId, 1);
    const lanes = apiClient(ctx.stack.apiUrl, ws.apiKey);
    const urls = Array.from({ length: 12 }, (_, i) => `${ctx.site.origin}/slow?ms=1500&lane=${i}`);
    const batch = await lanes.post("/v1/quick/batch", { urls, formats: ["text"] });
    expect(batch.status).toBe(202);
    const batchId = batch.body.job_id as string;
    await waitUntil(async () => (await itemsIn(batchId, "running")) === 1, 60_000, "the batch's first page running");

    const sync = await lanes.post("/v1/quick/scrape", { url: `${ctx.site.origin}/simple?lane=sync`, formats: ["text"] });
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);
    // Ordering, not timing: with one slot, the sync page ran before the batch's later pages got it.
    expect(await itemsIn(batchId, "queued")).toBeGreaterThanOrEqual(8);

    // Cancelled work shows as failed with error_code CANCELLED; the progress counters keep counting finished pages only.
    const cancel = await lanes.post(`/v1/jobs/${batchId}/cancel`);
    expect(cancel.status).toBe(200);
    const results = await allResults(lanes, batchId);
    const cancelled = results.filter((r) => r.error_code === "CANCELLED");
    expect(cancelled.length).toBeGreaterThanOrEqual(8);
    expect(cancelled.every((r) => r.status === "failed")).toBe(true);
    expect(results.every((r) => r.status === "completed" || r.status === "failed")).toBe(true);
    const job = (await lanes.get(`/v1/jobs/${batchId}`)).body;
    expect(job).toMatchObject({ status: "cancelled", progress_failed: 0, progress_done: 12 - cancelled.length });
  });

  it("answers 409 JOB_TERMINAL with job_id when the sync call's job is cancelled while it waits", async () => {
    const ws = await ctx.stack.newWorkspace("cancel-sync");
    const caller = apiClient(ctx.stack.apiUrl, ws.apiKey);
    const pending = caller.post("/v1/quick/scrape", { url: `${ctx.site.origin}/hang?cancel-sync`, timeout_ms: 30_000 });
    let jobId = "";
    await waitUntil(
      async () => {
        const running = await ctx.stack.prisma.job.findFirst({ where: { workspaceId: ws.workspaceId, status: "running" } });
        jobId = running?.id ?? "";
        return running !== null;
      },
      60_000,
      "the sync job running",
    );
    expect((await caller.post(`/v1/jobs/${jobId}/cancel`)).status).toBe(200);

    const res = await pending;
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body).toMatchObject({ code: "JOB_TERMINAL", job_id: jobId });
    expect(res.body.error).toMatch(/cancelled/);
    const [item] = await allResults(caller, jobId);
    expect(item).toMatchObject({ status: "failed", error_code: "CANCELLED" });
  });
});

describe("async scrape and jobs", () => {
  it("answers 202 with the job envelope, then the result via long-poll", async () => {
    const res = await client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/page/7`, formats: ["html", "text", "links", "screenshot"], async: true });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: "scrape", progress_total: 1, status_url: `/v1/jobs/${res.body.id as string}/status` });
    expect(res.body.job_id).toBe(res.body.id);
    expect(["queued", "running"]).toContain(res.body.status);
    const job = await client.get(`/v1/jobs/${res.body.id as string}?wait=60`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ status: "completed", progress_done: 1, progress_total: 1, credits_charged: 1, error_code: null });
    const result = job.body.result as Body;
    expect(result.title).toBe("Fixture page 7");
    expect((result.links as string[]).length).toBe(30);
    expect(result.html).toContain("Fixture page 7");
    expect(result.text).toContain("Paragraph 0 of fixture page 7");
    expect(isPng(result.screenshot_png_b64)).toBe(true);
    const status = await client.get(`/v1/jobs/${res.body.id as string}/status`);
    expect(status.body).toEqual({ id: res.body.id, status: "completed", kind: "scrape", progress_done: 1, progress_failed: 0, progress_total: 1 });
    const results = await client.get<{ items: Body[]; next_cursor: string | null }>(`/v1/jobs/${res.body.id as string}/results`);
    expect(results.body.items).toHaveLength(1);
    expect(results.body.next_cursor).toBeNull();
  });

  it("async screenshot and extract reach the same results as sync", async () => {
    const shot = await client.post("/v1/quick/screenshot", { url: `${ctx.site.origin}/simple`, async: true });
    const done = await client.get(`/v1/jobs/${shot.body.id as string}?wait=60`);
    expect(done.body.status).toBe("completed");
    expect(isPng((done.body.result as Body).screenshot_png_b64)).toBe(true);
    const extract = await client.post("/v1/quick/extract", { url: `${ctx.site.origin}/simple`, prompt: "the h1", async: true });
    const extracted = await client.get(`/v1/jobs/${extract.body.id as string}?wait=60`);
    expect(extracted.body.result).toMatchObject({ prompt: "the h1", final_url: `${ctx.site.origin}/simple` });
  });

  it("long-poll without a finish answers the current state after the wait", async () => {
    const res = await client.post("/v1/quick/scrape", { url: `${ctx.site.origin}/slow?ms=5000`, async: true });
    const started = Date.now();
    const job = await client.get(`/v1/jobs/${res.body.id as string}?wait=1`);
    expect(job.status).toBe(200);
    expect(["queued", "running"]).toContain(job.body.status);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await client.get(`/v1/jobs/${res.body.id as string}?wait=abc`)).status).toBe(400);
  });

  it("lists jobs newest first with filters and cursor paging", async () => {
    const other = await ctx.stack.newWorkspace("lister");
    const lister = apiClient(ctx.stack.apiUrl, other.apiKey);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const kind = i % 2 === 0 ? "scrape" : "screenshot";
      const res = await lister.post(`/v1/quick/${kind}`, { url: `${ctx.site.origin}/simple`, async: true });
      ids.push(res.body.id as string);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Body[]; next_cursor: string | null } } = await lister.get(`/v1/jobs?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      for (const item of page.body.items) expect(item.result).toBeUndefined();
      seen.push(...page.body.items.map((j) => j.id as string));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const shots = await lister.get<{ items: Body[] }>("/v1/jobs?kind=screenshot");
    expect(shots.body.items.map((j) => j.id)).toEqual([ids[3], ids[1]]);
    expect((await lister.get("/v1/jobs?status=bogus")).status).toBe(400);
    expect((await lister.get("/v1/jobs?cursor=garbage")).status).toBe(400);
    expect((await lister.get("/v1/jobs?limit=500")).status).toBe(400);
  });
});

describe("screenshot and extract", () => {
  it("screenshot returns a PNG, full page by default", async () => {
    const full = await client.post("/v1/quick/screenshot", { url: `${ctx.site.origin}/page/2` });
    expect(full.status).toBe(200);
    expect(isPng(full.body.screenshot_png_b64)).toBe(true);
    const viewport = await client.post("/v1/quick/screenshot", { url: `${ctx.site.origin}/page/2`, full_page: false });
    const height = (b64: string): number => Buffer.from(b64, "base64").readUInt32BE(20);
    expect(height(full.body.screenshot_png_b64 as string)).toBeGreaterThan(height(viewport.body.screenshot_png_b64 as string));
  });

  it("extract takes exactly one of schema or prompt", async () => {
    const schema = { type: "object", properties: { h1: { type: "string" } } };
    const withSchema = await client.post("/v1/quick/extract", { url: `${ctx.site.origin}/simple`, schema });
    expect(withSchema.status).toBe(200);
    expect(withSchema.body).toMatchObject({ url: `${ctx.site.origin}/simple`, final_url: `${ctx.site.origin}/simple`, schema, cost_credits: 1 });
    expect(withSchema.body.text).toContain("Hello fixture");
    expect(withSchema.body.prompt).toBeUndefined();
    const withPrompt = await client.post("/v1/quick/extract", { url: `${ctx.site.origin}/simple`, prompt: "return the h1" });
    expect(withPrompt.body).toMatchObject({ prompt: "return the h1" });
    expect(withPrompt.body.schema).toBeUndefined();
    for (const body of [{ url: `${ctx.site.origin}/simple` }, { url: `${ctx.site.origin}/simple`, schema, prompt: "both" }]) {
      const res = await client.post("/v1/quick/extract", body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe("BAD_REQUEST");
    }
  });
});

describe("credits", () => {
  it("charges succeeded pages only, and the ledger sums to the balance", async () => {
    const ws = await ctx.stack.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    const ledger = await ctx.stack.prisma.creditLedgerEntry.findMany({ where: { workspaceId } });
    expect(ledger.reduce((sum, e) => sum + e.delta, 0)).toBe(ws.creditBalance);
    const charged = await ctx.stack.prisma.job.aggregate({ where: { workspaceId }, _sum: { creditsCharged: true } });
    const open = await ctx.stack.prisma.job.aggregate({ where: { workspaceId, status: { in: ["queued", "running"] } }, _sum: { creditsReserved: true } });
    expect(ws.creditBalance).toBe(100 - (charged._sum.creditsCharged ?? 0) - (open._sum.creditsReserved ?? 0));
  });

  it("answers 402 when the balance cannot cover a page", async () => {
    const poor = await ctx.stack.newWorkspace("poor");
    await ctx.stack.prisma.workspace.update({ where: { id: poor.workspaceId }, data: { creditBalance: 0 } });
    await ctx.stack.prisma.creditLedgerEntry.create({ data: { workspaceId: poor.workspaceId, delta: -100, balanceAfter: 0, reason: "test_drain" } });
    const res = await apiClient(ctx.stack.apiUrl, poor.apiKey).post("/v1/quick/scrape", { url: `${ctx.site.origin}/simple` });
    expect(res.status).toBe(402);
    expect(res.body.code).toBe("INSUFFICIENT_CREDIT");
    expect(await ctx.stack.prisma.job.count({ where: { workspaceId: poor.workspaceId } })).toBe(0);
  });
});
