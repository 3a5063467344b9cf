import { Counter, Registry, collectDefaultMetrics } from "prom-client";
import { droppedLogLines, type PinoLogger } from "./create-logger.ts";

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
