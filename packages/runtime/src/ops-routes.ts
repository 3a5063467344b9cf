import { Router } from "express";
import type { Registry } from "prom-client";
import { runReadinessChecks, type ReadinessCheck } from "./readiness.ts";

export interface OpsRoutesOptions {
  registry: Registry;
  checks: ReadinessCheck[];
  isDraining: () => boolean;
}

/** /healthz (process up), /readyz (dependencies reachable and not draining), /metrics (Prometheus). */
export function opsRoutes(options: OpsRoutesOptions): Router {
  // One spelling per path, like the API's routers: /HEALTHZ and /healthz/ are not routes.
  const router = Router({ caseSensitive: true, strict: true });
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const report = await runReadinessChecks(options.checks, options.isDraining());
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? "ready" : "not_ready", checks: report.checks });
  });
  router.get("/metrics", async (_req, res) => {
    res.setHeader("content-type", options.registry.contentType);
    res.send(await options.registry.metrics());
  });
  return router;
}
