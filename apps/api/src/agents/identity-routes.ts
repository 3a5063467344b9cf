import { Router } from "express";
import type { ApiDeps } from "../deps.ts";
import { ROUTING } from "../http/routing-options.ts";

/** /v1/agents/{id}/fingerprint, /detection-signal, /trust: what the agent's browser presents and how it fares. */
export function agentIdentityRoutes(_deps: ApiDeps): Router {
  const router = Router(ROUTING);
  return router;
}
