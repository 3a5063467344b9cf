import express, { Router } from "express";
import type { AgentRelayOptions } from "../agent-relay.ts";
import { hostedSessionOf } from "../agent-relay.ts";
import { capturePage } from "./capture-page.ts";

/** The relay's live routes (`/agents/:sessionId/screenshot`, …), fleet secret required. The screencast itself is an upgrade (accept-viewer.ts). */
export function liveWorkerRoutes(options: AgentRelayOptions): Router {
  const router = Router();
  const withSession = hostedSessionOf(options);
  // Body: {full_page: boolean}, already validated by the API.
  router.post("/agents/:sessionId/screenshot", express.json({ limit: "1kb" }), async (req, res) => {
    const session = withSession(req, res);
    if (!session) return;
    const fullPage = (req.body as { full_page?: unknown } | undefined)?.full_page === true;
    try {
      const shot = await capturePage(session, fullPage);
      if (!shot) {
        res.status(404).json({ error: "the agent's browser has no page open", code: "NOT_FOUND" });
        return;
      }
      res.json({ screenshot_png_b64: shot.png, url: shot.url });
    } catch (err) {
      if (session.isEnding) {
        res.status(409).json({ error: "the agent is not running on this worker", code: "AGENT_NOT_RUNNING" });
        return;
      }
      options.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) }, session_id: session.id }, "agent screenshot failed");
      res.status(502).json({ error: "the agent's browser did not answer", code: "UPSTREAM_UNAVAILABLE" });
    }
  });
  return router;
}
