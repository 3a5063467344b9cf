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
    res.on("finish", () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      const label = route ? `${req.baseUrl}${route}` : "unmatched";
      requests.inc({ method: req.method, route: label, status: String(res.statusCode) });
      end({ method: req.method, route: label });
    });
    next();
  };
}
