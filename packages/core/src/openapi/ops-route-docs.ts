import { healthSchema, readinessSchema } from "./common-schemas.ts";
import type { RouteDoc } from "./route-doc.ts";

/** Unauthenticated endpoints for operators, probes and client generators. */
export const opsRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/healthz",
    operationId: "getHealth",
    summary: "Liveness: the process is up",
    tag: "operations",
    auth: false,
    responses: { 200: { description: "the process is up", schema: healthSchema } },
    errors: [],
  },
  {
    method: "get",
    path: "/readyz",
    operationId: "getReadiness",
    summary: "Readiness: Postgres and Redis reachable and the process not draining (503 otherwise, same body)",
    tag: "operations",
    auth: false,
    responses: { 200: { description: "ready", schema: readinessSchema }, 503: { description: "not ready: `checks` says why", schema: readinessSchema } },
    errors: [],
  },
  {
    method: "get",
    path: "/metrics",
    operationId: "getMetrics",
    summary: "Prometheus metrics of this process",
    tag: "operations",
    auth: false,
    responses: { 200: { description: "Prometheus text exposition format", contentType: "text/plain", rawSchema: { type: "string" } } },
    errors: [],
  },
  {
    method: "get",
    path: "/openapi.yaml",
    operationId: "getOpenApiDocument",
    summary: "This document (OpenAPI 3.1, YAML)",
    tag: "operations",
    auth: false,
    responses: { 200: { description: "the OpenAPI document", contentType: "application/yaml", rawSchema: { type: "string" } } },
    errors: [],
  },
];
