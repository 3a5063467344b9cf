import { Router } from "express";
import { agentUrls } from "@browserfleet/agents";
import { ApiError, createAgentSessionBody, encodeListCursor, isSessionId, listAgentSessionsQuery, mintAgentToken, sessionReservation } from "@browserfleet/core";
import { findAgent, findAgentSession, listAgentSessions, openAgentSession } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { listCursorParam } from "../http/list-cursor-param.ts";
import { ROUTING } from "../http/routing-options.ts";
import { validate } from "../http/validate.ts";
import { agentIdParam } from "./agent-id-param.ts";
import { endSessionThroughWorker } from "./end-session.ts";
import { placeSession } from "./place-session.ts";
import { sessionView } from "./session-view.ts";

function sessionIdParam(value: string | undefined): string {
  if (value === undefined || !isSessionId(value)) throw new ApiError("INVALID_ID", "session id must be ses_ followed by 20 lowercase hex characters");
  return value;
}

/** /v1/agents/{id}/sessions: open, list and end the sessions of a persistent agent. */
export function sessionRoutes(deps: ApiDeps): Router {
  const router = Router(ROUTING);

  const agentOf = async (workspaceId: string, raw: string | undefined) => {
    const id = agentIdParam(raw);
    const agent = await findAgent(deps.prisma, { workspaceId, agentId: id });
    if (!agent) throw new ApiError("NOT_FOUND", `agent ${id} not found`);
    return agent;
  };

  router.post("/agents/:id/sessions", async (req, res) => {
    const agent = await agentOf(req.auth!.workspaceId, req.params.id as string | undefined);
    const body = validate(createAgentSessionBody, req.body);
    const cdp = mintAgentToken();
    const view = mintAgentToken();
    const session = await openAgentSession(deps.prisma, {
      workspaceId: req.auth!.workspaceId,
      agentId: agent.id,
      ttlSeconds: body.ttl_seconds,
      startupTimeoutSeconds: body.startup_timeout_seconds,
      reserve: sessionReservation(agent.mode, body.ttl_seconds),
      tokenHashes: { cdp: cdp.hash, view: view.hash },
    });
    await placeSession(deps, { id: session.id, agentId: agent.id, startupTimeoutSeconds: body.startup_timeout_seconds });
    req.log.info({ agent_id: agent.id, session_id: session.id }, "agent session opened");
    res.status(201).json(sessionView((await findAgentSession(deps.prisma, session.id))!, agentUrls(deps.publicUrl(), agent.id, { cdp: cdp.token, view: view.token })));
  });

  router.get("/agents/:id/sessions", async (req, res) => {
    const agent = await agentOf(req.auth!.workspaceId, req.params.id as string | undefined);
    const query = validate(listAgentSessionsQuery, req.query, "query");
    const page = await listAgentSessions(deps.prisma, { agentId: agent.id, limit: query.limit, after: listCursorParam(query.cursor) });
    res.json({ items: page.sessions.map((s) => sessionView(s)), next_cursor: page.next ? encodeListCursor(page.next) : null });
  });

  // Ends the session (its profile saved first); again, or on an ended one: 204.
  router.delete("/agents/:id/sessions/:sid", async (req, res) => {
    const agent = await agentOf(req.auth!.workspaceId, req.params.id as string | undefined);
    const sessionId = sessionIdParam(req.params.sid as string | undefined);
    const session = await findAgentSession(deps.prisma, sessionId);
    if (!session || session.agentId !== agent.id) throw new ApiError("NOT_FOUND", `session ${sessionId} not found`);
    await endSessionThroughWorker(deps, { sessionId, reason: "client", destroyAgent: false });
    res.status(204).end();
  });

  return router;
}
