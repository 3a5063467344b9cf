import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { countWebhookHistoryBacklog, outboxLagSeconds, WEBHOOK_BACKLOG_COUNT_CAP, type Db } from "@browserfleet/db";
import { readAtScrape } from "@browserfleet/runtime";

export interface DispatcherMetrics {
  deliveries: Counter<"outcome">;
  attemptDuration: Histogram<"outcome">;
  fanOutLag: Histogram;
  inFlight: Gauge;
  historySwept: Counter<"table">;
}

export function createDispatcherMetrics(registry: Registry, prisma: Db): DispatcherMetrics {
  // Postgres down (or slower than SCRAPE_READ_TIMEOUT_MS): NaN, and /metrics still answers (readyz reports the outage).
  new Gauge({
    name: "browserfleet_webhook_outbox_lag_seconds",
    help: "Age of the oldest event not yet fanned out to its endpoints (0 when none waits)",
    registers: [registry],
    async collect() {
      this.set((await readAtScrape(outboxLagSeconds(prisma))) ?? Number.NaN);
    },
  });
  new Gauge({
    name: "browserfleet_webhook_history_backlog_rows",
    help: `Webhook history rows past retention that the sweep has yet to delete, per table (counted up to ${WEBHOOK_BACKLOG_COUNT_CAP})`,
    labelNames: ["table"],
    registers: [registry],
    async collect() {
      const backlog = await readAtScrape(countWebhookHistoryBacklog(prisma));
      for (const table of ["webhook_tasks", "webhook_deliveries", "outbox_events"] as const) this.set({ table }, backlog?.[table] ?? Number.NaN);
    },
  });
  return {
    deliveries: new Counter({
      name: "browserfleet_webhook_deliveries_total",
      help: "Webhook attempts by outcome: delivered, retry, gave_up, disabled, lease_lost",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    attemptDuration: new Histogram({
      name: "browserfleet_webhook_attempt_duration_seconds",
      help: "One attempt from the SSRF check to the receiver's status line (or the timeout)",
      labelNames: ["outcome"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    fanOutLag: new Histogram({
      name: "browserfleet_webhook_fan_out_lag_seconds",
      help: "From the event's commit to its fan-out into delivery tasks",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    inFlight: new Gauge({ name: "browserfleet_webhook_attempts_in_flight", help: "Attempts this dispatcher is sending now", registers: [registry] }),
    historySwept: new Counter({
      name: "browserfleet_webhook_history_swept_rows_total",
      help: "Webhook history rows this dispatcher deleted past retention, per table",
      labelNames: ["table"],
      registers: [registry],
    }),
  };
}
