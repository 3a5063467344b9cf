import { Counter, Registry, collectDefaultMetrics } from "prom-client";
import { droppedLogLines, type PinoLogger } from "./create-logger.ts";
import { settleWithin } from "./within.ts";

/** A Postgres or Redis read at scrape time gives up after this: a hung server, or a client queueing commands while its server is away, must not hold /metrics. */
export const SCRAPE_READ_TIMEOUT_MS = 2_000;

/** A gauge's read at scrape time: its answer, or null if it failed or took longer than SCRAPE_READ_TIMEOUT_MS (the gauge then reads NaN). */
export function readAtScrape<T>(read: Promise<T>): Promise<T | null> {
  return settleWithin(read.catch(() => null), SCRAPE_READ_TIMEOUT_MS, () => null);
}

/** A registry per process (no global default), with Node's default metrics under a prefix. */
export function createMetricsRegistry(processName: string, logger?: PinoLogger): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process: processName });
  collectDefaultMetrics({ register: registry, prefix: "browserfleet_" });
  if (logger !== undefined) {
    let reported = 0;
    new Counter({
      name: "browserfleet_log_lines_dropped_total",
      help: "Log lines dropped because stdout was not being read fast enough (or its reader had gone)",
      registers: [registry],
      collect() {
        const dropped = droppedLogLines(logger);
        this.inc(dropped - reported);
        reported = dropped;
      },
    });
  }
  return registry;
}
