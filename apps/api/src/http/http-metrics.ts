import type { NextFunction, Request, Response } from "express";
import { Counter, Histogram, type Registry } from "prom-client";

/** Request count and latency by method, matched route and status. */
export function httpMetrics(registry: Registry) {
  const requests = new Counter({
    name: "browserfleet_http_requests_total",
    help: "HTTP requests answered",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "browserfleet_http_request_duration_seconds",
    help: "HTTP request latency",
    labelNames: ["method", "route"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = duration.startTimer();
    const matched = recordMatchedRoute(req);
    res.on("finish", () => {
      // Route patterns only, never a raw path: a 404 for any path is "unmatched", so labels stay bounded.
      const label = matched() ?? "unmatched";
      requests.inc({ method: req.method, route: label, status: String(res.statusCode) });
      end({ method: req.method, route: label });
    });
    next();
  };
}

/**
 * The full pattern of the last route Express matched for this request (`/v1/jobs/:id/status`). Taken as the router
 * sets req.route, because by the time an error handler outside the router answers, req.baseUrl has been put back
 * and the same route would read `/jobs/:id/status`.
 */
function recordMatchedRoute(req: Request): () => string | undefined {
  let route: unknown;
  let label: string | undefined;
  Object.defineProperty(req, "route", {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: unknown) {
      route = value;
      const path = (value as { path?: unknown } | undefined)?.path;
      label = path === undefined ? undefined : `${req.baseUrl}${String(path)}`;
    },
  });
  return () => label;
}
