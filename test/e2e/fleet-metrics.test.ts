import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createAgentQueue } from "@browserfleet/agents";
import { grantCredits, setWorkspaceMaxConcurrency } from "@browserfleet/db";
import { AdmissionController, PENDING_TOP_WORKSPACES, createPageQueue, createRedisConnection } from "@browserfleet/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/app-process.ts";
import { apiClient } from "../support/http-client.ts";
import { waitUntil } from "../support/job-polling.ts";
import { samplesOf, scrapeMetrics, valueOf, type MetricFamily } from "../support/scrape-metrics.ts";
import { useStackWithSite } from "../support/use-stack-with-site.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver.ts";

// One worker (4 slots, a browser recycled every 10 pages) and one dispatcher; the API runs in this process.
const ctx = useStackWithSite({ api: "in-process", workers: 1, dispatchers: 1, env: { BROWSER_RECYCLE_PAGES: "10", WEBHOOK_POLL_MS: "100" } });
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

const BATCH = 40;
const PER_WORKSPACE = 2;

const url = (port: number): string => `http://127.0.0.1:${port}`;
const workerUrl = (): string => url(ctx.stack.workers[0]!.port);
const dispatcherUrl = (): string => url(ctx.stack.dispatchers[0]!.port);
type Families = Map<string, MetricFamily>;

/** The admission controller of the stack's own fleet (its queue prefix), as an API replica has it. */
function stackAdmission(): { admission: AdmissionController; close(): Promise<void> } {
  const redis = createRedisConnection(ctx.stack.env.REDIS_URL!);
  const queue = createPageQueue({ redisUrl: ctx.stack.env.REDIS_URL!, prefix: ctx.stack.env.QUEUE_PREFIX!, attempts: 1 });
  return {
    admission: new AdmissionController({ redis, queue, prefix: ctx.stack.env.QUEUE_PREFIX!, leaseMs: 30_000 }),
    close: async () => {
      await queue.close();
      await redis.quit();
    },
  };
}

describe("fleet metrics", () => {
  it("shows a batch's pages waiting for admission, per workspace too, and both fall to 0 when it is done", async () => {
    const { apiKey, workspaceId } = await ctx.stack.newWorkspace("metrics");
    await grantCredits(ctx.stack.prisma, { workspaceId, amount: BATCH });
    await setWorkspaceMaxConcurrency(ctx.stack.prisma, workspaceId, PER_WORKSPACE);
    const client = apiClient(ctx.stack.apiUrl, apiKey);
    expect((await client.post("/v1/webhooks", { url: receiver.url("/metrics") })).status).toBe(201);
    // Light pages, two of them failing (a closed port), so the latency histogram has two outcomes.
    const urls = [...Array.from({ length: BATCH - 2 }, (_, i) => `${ctx.site.origin}/simple?i=${i}`), "http://127.0.0.1:1/closed-a", "http://127.0.0.1:1/closed-b"];
    const submitted = await client.post<{ job_id: string }>("/v1/quick/batch", { urls, formats: ["text"], timeout_ms: 30_000 });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const jobId = submitted.body.job_id;

    const seen = { pending: 0, byWorkspace: 0, leases: 0, browserMemory: 0, scrapes: 0 };
    const deadline = Date.now() + 120_000;
    for (;;) {
      // Every process's /metrics answers during the batch, as a Prometheus scrape would find them.
      const [worker] = await Promise.all([scrapeMetrics(workerUrl()), scrapeMetrics(ctx.stack.apiUrl), scrapeMetrics(dispatcherUrl())]);
      seen.scrapes += 1;
      seen.pending = Math.max(seen.pending, valueOf(worker, "browserfleet_admission_pending_pages"));
      seen.byWorkspace = Math.max(seen.byWorkspace, valueOf(worker, "browserfleet_admission_pending_pages_by_workspace", { workspace: workspaceId }) || 0);
      seen.leases = Math.max(seen.leases, valueOf(worker, "browserfleet_admission_leases"));
      seen.browserMemory = Math.max(seen.browserMemory, valueOf(worker, "browserfleet_worker_browser_memory_bytes"));
      const status = (await client.get<{ status: string }>(`/v1/jobs/${jobId}/status`)).body.status;
      if (!["queued", "running"].includes(status)) {
        expect(status).toBe("completed");
        break;
      }
      if (Date.now() > deadline) throw new Error(`the batch did not finish: ${JSON.stringify(seen)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
    console.log(`during the batch (${seen.scrapes} scrapes): most pages waiting ${seen.pending}, of the workspace ${seen.byWorkspace}; most leases ${seen.leases}`);
    expect(seen.pending).toBeGreaterThan(0);
    expect(seen.byWorkspace).toBeGreaterThan(0);
    expect(seen.leases).toBeLessThanOrEqual(PER_WORKSPACE);

    let after: Families = new Map();
    await waitUntil(async () => valueOf((after = await scrapeMetrics(workerUrl())), "browserfleet_admission_leases") === 0, 30_000, "the leases released");
    expect(valueOf(after, "browserfleet_admission_pending_pages")).toBe(0);
    expect(samplesOf(after, "browserfleet_admission_pending_pages_by_workspace", { workspace: workspaceId })).toEqual([]);
    expect(valueOf(after, "browserfleet_admission_pending_pages_by_workspace", { workspace: "other" })).toBe(0);
    expect(valueOf(after, "browserfleet_pages_in_flight")).toBe(0);
    expect(valueOf(after, "browserfleet_fleet_capacity_slots")).toBe(4);
    expect(valueOf(after, "browserfleet_pages_total", { outcome: "completed", applied: "true" })).toBe(BATCH - 2);
    expect(valueOf(after, "browserfleet_pages_total", { outcome: "NAVIGATION_FAILED", applied: "true" })).toBe(2);
    expect(valueOf(after, "browserfleet_page_duration_seconds_count", { outcome: "completed" })).toBe(BATCH - 2);
    expect(valueOf(after, "browserfleet_page_duration_seconds_count", { outcome: "NAVIGATION_FAILED" })).toBe(2);
    // 40 pages on a browser recycled every 10.
    expect(valueOf(after, "browserfleet_browser_restarts_total", { reason: "recycle" })).toBeGreaterThanOrEqual(3);
    expect(valueOf(after, "browserfleet_browser_restarts_total", { reason: "crash" })).toBe(0);
    // Measured while pages ran (a browser recycled after the last page is relaunched only by the next one).
    expect(seen.browserMemory).toBeGreaterThan(0);
    console.log(`worker memory: node ${(valueOf(after, "browserfleet_process_resident_memory_bytes") / 2 ** 20).toFixed(0)} MiB, chromium at most ${(seen.browserMemory / 2 ** 20).toFixed(0)} MiB (PSS summed)`);

    // The job's webhook reaches the receiver, and the dispatcher counts it.
    await waitUntil(async () => valueOf(await scrapeMetrics(dispatcherUrl()), "browserfleet_webhook_deliveries_total", { outcome: "delivered" }) >= 1, 30_000, "a delivered webhook counted");
  });

  it(`keeps the per-workspace series to ${PENDING_TOP_WORKSPACES} + "other" with 1,000 workspaces waiting, adding up to the total`, async () => {
    const { admission, close } = stackAdmission();
    // max_concurrency 0: they wait (the worker's admission passes skip them) until purged below.
    const waiting = Array.from({ length: 1_000 }, (_, i) => ({ workspaceId: randomUUID(), jobId: randomUUID(), n: 1 + (i % 5) }));
    try {
      for (let i = 0; i < waiting.length; i += 50) {
        await Promise.all(waiting.slice(i, i + 50).map((w) => admission.enqueue(w.workspaceId, 0, Array.from({ length: w.n }, (_, k) => ({ itemId: `${w.jobId}-${k}`, jobId: w.jobId })))));
      }
      const total = waiting.reduce((s, w) => s + w.n, 0);
      const startedAt = performance.now();
      const res = await fetch(`${workerUrl()}/metrics`);
      const body = await res.text();
      console.log(`scrape with 1,000 workspaces waiting: ${body.length} bytes in ${(performance.now() - startedAt).toFixed(0)} ms`);
      const worker = await scrapeMetrics(workerUrl());
      const series = samplesOf(worker, "browserfleet_admission_pending_pages_by_workspace");
      expect(series.length).toBeLessThanOrEqual(PENDING_TOP_WORKSPACES + 1);
      expect(series.filter((s) => s.labels.workspace === "other")).toHaveLength(1);
      expect(series.filter((s) => s.labels.workspace !== "other").every((s) => s.value === 5)).toBe(true);
      expect(series.reduce((s, x) => s + x.value, 0)).toBe(total);
      expect(valueOf(worker, "browserfleet_admission_pending_pages")).toBe(total);
    } finally {
      for (let i = 0; i < waiting.length; i += 50) await Promise.all(waiting.slice(i, i + 50).map((w) => admission.purgeJob(w.workspaceId, w.jobId)));
      await close();
    }
    expect(valueOf(await scrapeMetrics(workerUrl()), "browserfleet_admission_pending_pages")).toBe(0);
  });

  it("counts agent sessions waiting for a slot, fleet-wide, beside this worker's running sessions and slots", async () => {
    const queue = createAgentQueue({ redisUrl: ctx.stack.env.REDIS_URL!, prefix: ctx.stack.env.QUEUE_PREFIX! });
    try {
      // This worker has no agent slots (the test stack's default), so nothing takes it: it waits.
      await queue.add("session", { sessionId: "waiting-session" }, { jobId: "waiting-session" });
      const worker = await scrapeMetrics(workerUrl());
      expect(valueOf(worker, "browserfleet_agents_waiting")).toBe(1);
      expect(valueOf(worker, "browserfleet_agents_running")).toBe(0);
      expect(valueOf(worker, "browserfleet_agent_slots")).toBe(0);
      await queue.remove("waiting-session");
      expect(valueOf(await scrapeMetrics(workerUrl()), "browserfleet_agents_waiting")).toBe(0);
    } finally {
      await queue.close();
    }
  });

  it("labels HTTP metrics by route pattern, with every unmatched path under one label", async () => {
    const { apiKey } = await ctx.stack.newWorkspace("routes");
    const client = apiClient(ctx.stack.apiUrl, apiKey);
    for (let i = 0; i < 20; i += 1) {
      expect((await client.get(`/no/such/path/${randomUUID()}`)).status).toBe(404);
      expect((await client.get(`/v1/jobs/${randomUUID()}/status`)).status).toBe(404);
    }
    const routes = new Set(samplesOf(await scrapeMetrics(ctx.stack.apiUrl), "browserfleet_http_requests_total").map((s) => s.labels.route!));
    console.log(`HTTP route labels: ${[...routes].join(", ")}`);
    expect(routes).toContain("unmatched");
    expect(routes).toContain("/v1/jobs/:id/status");
    // The same route answered by the error handler (a 404 thrown in it) keeps its full pattern.
    expect(routes).not.toContain("/jobs/:id/status");
    expect([...routes].some((r) => /[0-9a-f]{8}-/.test(r))).toBe(false);
  });

  it("answers Prometheus text on every process, each family with its process label", async () => {
    const expected: Record<string, string[]> = {
      api: ["browserfleet_http_requests_total", "browserfleet_http_request_duration_seconds", "browserfleet_process_resident_memory_bytes"],
      worker: [
        "browserfleet_admission_pending_pages",
        "browserfleet_admission_pending_pages_by_workspace",
        "browserfleet_admission_leases",
        "browserfleet_fleet_capacity_slots",
        "browserfleet_pages_in_flight",
        "browserfleet_pages_total",
        "browserfleet_page_duration_seconds",
        "browserfleet_agents_running",
        "browserfleet_agent_slots",
        "browserfleet_agents_waiting",
        "browserfleet_browser_restarts_total",
        "browserfleet_worker_browser_memory_bytes",
        "browserfleet_process_resident_memory_bytes",
      ],
      dispatcher: ["browserfleet_webhook_deliveries_total", "browserfleet_webhook_outbox_lag_seconds", "browserfleet_process_resident_memory_bytes"],
    };
    const urls: Record<string, string> = { api: ctx.stack.apiUrl, worker: workerUrl(), dispatcher: dispatcherUrl() };
    for (const [name, families] of Object.entries(expected)) {
      const scraped = await scrapeMetrics(urls[name]!);
      for (const family of families) {
        expect(scraped.get(family)?.samples.length ?? 0, `${name} has ${family}`).toBeGreaterThan(0);
      }
      const unlabelled = [...scraped.values()].flatMap((f) => f.samples).filter((s) => s.labels.process !== name);
      expect(unlabelled.map((s) => s.name), `${name}: samples without process="${name}"`).toEqual([]);
    }
  });

  it("the Grafana dashboard asks only for metrics some process exports, with a Prometheus datasource variable", async () => {
    const dashboard = JSON.parse(readFileSync(join(repoRoot, "infra", "grafana", "browserfleet-dashboard.json"), "utf8")) as {
      panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
      templating: { list: { name: string; type: string; query: string }[] };
    };
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: "datasource", type: "datasource", query: "prometheus" }));
    const exported = new Set<string>();
    for (const base of [ctx.stack.apiUrl, workerUrl(), dispatcherUrl()]) {
      for (const family of (await scrapeMetrics(base)).values()) {
        exported.add(family.name);
        for (const s of family.samples) exported.add(s.name);
        if (family.type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) exported.add(family.name + suffix);
      }
    }
    const asked = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\bbrowserfleet_[a-z0-9_]+/g) ?? [])));
    expect(dashboard.panels.every((p) => p.datasource.uid === "${datasource}")).toBe(true);
    expect(asked.size).toBeGreaterThan(10);
    expect([...asked].filter((name) => !exported.has(name))).toEqual([]);
  });
});
