import { Router } from "express";
import type { AgentRelayOptions } from "../agent-relay.ts";

/** The relay's live routes (`/agents/:sessionId/screenshot`, …), fleet secret required. */
export function liveWorkerRoutes(_options: AgentRelayOptions): Router {
  const router = Router();
  return router;
}
