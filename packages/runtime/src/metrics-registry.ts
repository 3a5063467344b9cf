import { Registry, collectDefaultMetrics } from "prom-client";

/** A registry per process (no global default), with Node's default metrics under a prefix. */
export function createMetricsRegistry(processName: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process: processName });
  collectDefaultMetrics({ register: registry, prefix: "browserfleet_" });
  return registry;
}
