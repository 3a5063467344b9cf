import { Router } from "express";
import type { ApiDeps } from "../deps.ts";
import { ROUTING } from "../http/routing-options.ts";

/** /v1/agents/{id}/preview-token and /screenshot (API-key authenticated). */
export function agentLiveRoutes(_deps: ApiDeps): Router {
  const router = Router(ROUTING);
  return router;
}
