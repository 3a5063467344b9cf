import { maxHeaderSize } from "node:http";
import { Router } from "express";
import { ROUTING } from "../http/routing-options.ts";
import { API_ROUTE_DOCS, buildOpenApiDocument, renderOpenApiYaml } from "@browserfleet/core";

export interface OpenApiRouteOptions {
  bodyLimitBytes: number;
  maxUrlBytes: number;
}

/** GET /openapi.yaml, unauthenticated: built from core's route docs on first request, then served from memory. */
export function openApiRoutes(options: OpenApiRouteOptions): Router {
  const router = Router(ROUTING);
  let yaml: string | undefined;
  router.get("/openapi.yaml", (_req, res) => {
    yaml ??= renderOpenApiYaml(
      buildOpenApiDocument(API_ROUTE_DOCS, {
        version: "v1",
        limits: { bodyBytes: options.bodyLimitBytes, urlBytes: options.maxUrlBytes, headerBytes: maxHeaderSize },
      }),
    );
    res.type("application/yaml").send(yaml);
  });
  return router;
}
