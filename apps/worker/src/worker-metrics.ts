import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { AdmissionController } from "@browserfleet/queue";

export interface WorkerMetrics {
  pages: Counter<"outcome" | "applied">;
  pageDuration: Histogram;
  pagesInFlight: Gauge;
  reenqueued: Counter;
}

/** Fleet-wide admission state, read from Redis at scrape time (any worker reports the same numbers). */
export function registerAdmissionGauges(registry: Registry, admission: AdmissionController): void {
  new Gauge({
    name: "browserfleet_admission_pending_pages",
    help: "Pages waiting for admission across all workspaces (scale workers on this)",
    registers: [registry],
    async collect() {
      this.set(await admission.pendingTotal().catch(() => Number.NaN));
    },
  });
  // Redis down: NaN, and /metrics still answers (readyz reports the outage).
  const snapshot = () => admission.snapshot().catch(() => null);
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

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  return {
    pages: new Counter({ name: "browserfleet_pages_total", help: "Pages rendered, by outcome", labelNames: ["outcome", "applied"], registers: [registry] }),
    pageDuration: new Histogram({
      name: "browserfleet_page_duration_seconds",
      help: "Time to render one page",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    pagesInFlight: new Gauge({ name: "browserfleet_pages_in_flight", help: "Pages rendering now in this process", registers: [registry] }),
    reenqueued: new Counter({ name: "browserfleet_reconciler_reenqueued_total", help: "Items the reconciler put back on the queue", registers: [registry] }),
  };
}
