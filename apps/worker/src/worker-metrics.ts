import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { AgentQueue } from "@browserfleet/agents";
import type { AdmissionController } from "@browserfleet/queue";
import { BROWSER_RESTART_REASONS, type BrowserPoolStats } from "@browserfleet/browser";
import { readAtScrape } from "@browserfleet/runtime";
import { readDescendantMemory } from "./descendant-memory.ts";

export interface WorkerMetrics {
  pages: Counter<"outcome" | "applied">;
  /** Observed with the render's outcome: completed, an item error code, or browser_failed. */
  pageDuration: Histogram<"outcome">;
  pagesInFlight: Gauge;
  reenqueued: Counter;
}

/**
 * One read shared by every gauge collected in the same scrape: prom-client starts all collects together, so the
 * gauges built on one answer agree with each other and Redis is asked once per scrape, not once per gauge.
 */
export function perScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= read().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}

/**
 * Fleet-wide admission state, read from Redis at scrape time (any worker reports the same numbers: aggregate with max).
 * Redis down (or slower than SCRAPE_READ_TIMEOUT_MS): NaN, and /metrics still answers (readyz reports the outage).
 */
export function registerAdmissionGauges(registry: Registry, admission: AdmissionController): void {
  const pending = perScrape(() => readAtScrape(admission.pendingByWorkspace()));
  const snapshot = perScrape(() => readAtScrape(admission.snapshot()));
  new Gauge({
    name: "browserfleet_admission_pending_pages",
    help: "Pages waiting for admission across all workspaces (scale workers on this; every worker reports the fleet's number)",
    registers: [registry],
    async collect() {
      this.set((await pending())?.total ?? Number.NaN);
    },
  });
  new Gauge({
    name: "browserfleet_admission_pending_pages_by_workspace",
    help: "Pages waiting for admission in the workspaces with most waiting; the rest summed under workspace=\"other\"",
    labelNames: ["workspace"],
    registers: [registry],
    async collect() {
      const read = await pending();
      // Workspaces that left the top since the last scrape must not linger as stale series.
      this.reset();
      if (read === null) return;
      for (const { workspaceId, pending: n } of read.top) this.set({ workspace: workspaceId }, n);
      this.set({ workspace: "other" }, read.other);
    },
  });
  new Gauge({
    name: "browserfleet_admission_leases",
    help: "Pages admitted fleet-wide (running or about to run)",
    registers: [registry],
    async collect() {
      this.set((await snapshot())?.leases ?? Number.NaN);
    },
  });
  new Gauge({
    name: "browserfleet_fleet_capacity_slots",
    help: "Page slots announced by live workers",
    registers: [registry],
    async collect() {
      this.set((await snapshot())?.capacity ?? Number.NaN);
    },
  });
}

export interface AgentGaugeSources {
  /** Agent sessions this worker hosts now (starting ones included). */
  running: () => number;
  /** WORKER_AGENT_SLOTS this worker consumes with (0: it hosts none). */
  slots: number;
  /** Agent sessions placed on the agents queue that no worker has taken yet (fleet-wide). */
  waiting: () => Promise<number>;
}

/**
 * Sessions on the agents queue no worker has taken: waiting, or delayed (a draining worker hands back one it fetched).
 * One cheap Redis read (list and set lengths) and exact: a session leaves the queue's wait exactly when a worker with
 * a free slot takes it, whereas Postgres's queued sessions include ones a worker has already taken and is starting.
 */
export function countWaitingAgentSessions(queue: Pick<AgentQueue, "getJobCountByTypes">): Promise<number> {
  return queue.getJobCountByTypes("waiting", "delayed", "prioritized");
}

export function registerAgentGauges(registry: Registry, sources: AgentGaugeSources): void {
  new Gauge({
    name: "browserfleet_agents_running",
    help: "Agent sessions this worker hosts",
    registers: [registry],
    collect() {
      this.set(sources.running());
    },
  });
  new Gauge({ name: "browserfleet_agent_slots", help: "Agent sessions this worker can host at once (WORKER_AGENT_SLOTS)", registers: [registry] }).set(sources.slots);
  const waiting = () => readAtScrape(sources.waiting());
  new Gauge({
    name: "browserfleet_agents_waiting",
    help: "Agent sessions waiting for a free agent slot on any worker (every worker reports the fleet's number)",
    registers: [registry],
    async collect() {
      this.set((await waiting()) ?? Number.NaN);
    },
  });
}

/** The page pool's browser restarts by reason, and the memory of every Chromium this worker runs (pool and agents). */
export function registerBrowserMetrics(registry: Registry, pool: { stats(): BrowserPoolStats }): void {
  const reported = Object.fromEntries(BROWSER_RESTART_REASONS.map((r) => [r, 0])) as BrowserPoolStats["restartsByReason"];
  const restarts = new Counter({
    name: "browserfleet_browser_restarts_total",
    help: "Page-pool browsers retired or lost, by reason: recycle (served BROWSER_RECYCLE_PAGES), crash, context_close_timeout",
    labelNames: ["reason"],
    registers: [registry],
    collect() {
      const now = pool.stats().restartsByReason;
      for (const reason of BROWSER_RESTART_REASONS) {
        this.inc({ reason }, now[reason] - reported[reason]);
        reported[reason] = now[reason];
      }
    },
  });
  for (const reason of BROWSER_RESTART_REASONS) restarts.inc({ reason }, 0);
  new Gauge({
    name: "browserfleet_worker_browser_memory_bytes",
    help: "Memory of this worker's Chromium processes, page pool and agent browsers (PSS summed: shared pages counted once)",
    registers: [registry],
    async collect() {
      this.set((await readDescendantMemory().catch(() => null))?.bytes ?? Number.NaN);
    },
  });
}

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  return {
    pages: new Counter({ name: "browserfleet_pages_total", help: "Pages rendered, by outcome", labelNames: ["outcome", "applied"], registers: [registry] }),
    pageDuration: new Histogram({
      name: "browserfleet_page_duration_seconds",
      help: "Time to render one page, by outcome: completed, the item's error code, or browser_failed",
      labelNames: ["outcome"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    pagesInFlight: new Gauge({ name: "browserfleet_pages_in_flight", help: "Pages rendering now in this process", registers: [registry] }),
    reenqueued: new Counter({ name: "browserfleet_reconciler_reenqueued_total", help: "Items the reconciler put back on the queue", registers: [registry] }),
  };
}
