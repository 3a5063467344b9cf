import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface WorkerMetrics {
  pages: Counter<"outcome" | "applied">;
  pageDuration: Histogram;
  pagesInFlight: Gauge;
  reenqueued: Counter;
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
