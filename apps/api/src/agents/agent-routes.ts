import { Router } from "express";
import { agentUrls, announceAgentEnd } from "@browserfleet/agents";
import { ApiError, createAgentBody, encodeListCursor, listAgentsQuery, mintAgentToken, taskKeyName } from "@browserfleet/core";
import { destroyStoppedAgent, endAgentSession, insertAgentTokens, listAgents, profileIdOf, type AgentWithSession } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { listCursorParam } from "../http/list-cursor-param.ts";
import { ROUTING } from "../http/routing-options.ts";
import { validate } from "../http/validate.ts";
import { agentIdParam } from "./agent-id-param.ts";
import { agentView } from "./agent-view.ts";
import { findWorkspaceAgent } from "./call-agent-worker.ts";
import { endSessionThroughWorker } from "./end-session.ts";
import { provisionAgent } from "./provision-agent.ts";

/** /v1/agents: provision, list, get, end, and fresh gateway URLs. */
export function agentRoutes(deps: ApiDeps): Router {
  const router = Router(ROUTING);

  const mustFind = (workspaceId: string, id: string): Promise<AgentWithSession> => findWorkspaceAgent(deps, workspaceId, id);

  router.post("/agents", async (req, res) => {
    const body = validate(createAgentBody, req.body);
    res.status(201).json(await provisionAgent(deps, req, body));
  });

  router.get("/agents", async (req, res) => {
    const query = validate(listAgentsQuery, req.query, "query");
    const page = await listAgents(deps.prisma, { workspaceId: req.auth!.workspaceId, mode: query.mode, status: query.status, limit: query.limit, after: listCursorParam(query.cursor) });
    res.json({ items: page.agents.map((a) => agentView(a)), next_cursor: page.next ? encodeListCursor(page.next) : null });
  });

  router.get("/agents/:id", async (req, res) => {
    res.json(agentView(await mustFind(req.auth!.workspaceId, agentIdParam(req.params.id as string | undefined))));
  });

  // Ending is idempotent: a second DELETE (or one after the TTL) answers 204 again.
  router.delete("/agents/:id", async (req, res) => {
    const agent = await mustFind(req.auth!.workspaceId, agentIdParam(req.params.id as string | undefined));
    const session = agent.session;
    const open = session !== null && (session.status === "queued" || session.status === "running");
    if (agent.mode === "persistent") {
      // The agent goes with its profile: an open session ends unsaved, a stopped agent is destroyed here.
      if (open) await endSessionThroughWorker(deps, { sessionId: session.id, reason: "client", destroyAgent: true });
      else await destroyStoppedAgent(deps.prisma, { agentId: agent.id, reason: "client" });
      req.log.info({ agent_id: agent.id }, "persistent agent deleted");
    } else if (open) {
      const ended = await endAgentSession(deps.prisma, { sessionId: session.id, reason: "client", ttlScale: deps.config.AGENT_TTL_SCALE });
      if (ended) {
        req.log.info({ agent_id: agent.id, session_id: session.id, charged: ended.charged }, "agent deleted");
        // A task's burner deleted: the task failed with it, and its LLM key goes now.
        if (ended.taskJobId !== null) await deps.redis.del(taskKeyName(deps.config.QUEUE_PREFIX, ended.taskJobId)).catch(() => undefined);
        // Its worker closes the clients (4003) and the browser now; it would also see it on its next Postgres check.
        await announceAgentEnd(deps.redis, deps.config.QUEUE_PREFIX, { sessionId: session.id, reason: "client" }).catch(() => undefined);
      }
    }
    res.status(204).end();
  });

  router.get("/agents/:id/cdp", async (req, res) => {
    const agent = await mustFind(req.auth!.workspaceId, agentIdParam(req.params.id as string | undefined));
    const session = agent.session;
    if (agent.status !== "running" || session?.status !== "running") throw new ApiError("AGENT_NOT_RUNNING", `agent ${agent.id} is ${agent.status}, not running`);
    const cdp = mintAgentToken();
    const view = mintAgentToken();
    await insertAgentTokens(deps.prisma, { agentId: agent.id, sessionId: session.id, tokens: [{ hash: cdp.hash, kind: "cdp" }, { hash: view.hash, kind: "view" }] });
    const urls = agentUrls(deps.publicUrl(), agent.id, { cdp: cdp.token, view: view.token });
    res.json({ cdp_url: urls.cdpUrl, cdp_http: urls.cdpHttp, live_url: urls.liveUrl, profile_id: profileIdOf(agent), expires_at: session.expiresAt?.toISOString() ?? null });
  });

  return router;
}
