import { Router } from "express";
import type { AgentRelayOptions } from "../agent-relay.ts";

/** The relay's identity routes (`/agents/:sessionId/fingerprint`, …), fleet secret required. */
export function identityWorkerRoutes(_options: AgentRelayOptions): Router {
  const router = Router();
  return router;
}
