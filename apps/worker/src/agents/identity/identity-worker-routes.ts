import { Router } from "express";
import { hostedSessionOf, type AgentRelayOptions } from "../agent-relay.ts";
import { readFingerprint } from "./read-fingerprint.ts";

const FINGERPRINT_TIMEOUT_MS = 10_000;

/** The relay's identity routes (`/agents/:sessionId/fingerprint`, …), fleet secret required. */
export function identityWorkerRoutes(options: AgentRelayOptions): Router {
  const router = Router();
  const withSession = hostedSessionOf(options);

  // What the browser reports now, read from it (the API relays the answer as it is).
  router.get("/agents/:sessionId/fingerprint", async (req, res) => {
    const session = withSession(req, res);
    if (!session) return;
    if (session.identity === null) {
      res.status(409).json({ error: "the agent's identity is not applied", code: "AGENT_NOT_RUNNING" });
      return;
    }
    try {
      res.json(await readFingerprint(session.identity, FINGERPRINT_TIMEOUT_MS));
    } catch (err) {
      options.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) }, session_id: session.id }, "agent fingerprint could not be read");
      res.status(502).json({ error: "the agent's browser did not answer", code: "UPSTREAM_UNAVAILABLE" });
    }
  });

  return router;
}
