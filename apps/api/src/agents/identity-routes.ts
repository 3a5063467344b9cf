import { Router } from "express";
import { ApiError, agentFingerprintView, trustBand, type AgentDetectionSignalView, type AgentFingerprintView, type AgentTrustView, type DetectionSignal, type TrustInput } from "@browserfleet/core";
import type { AgentWithSession } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { ROUTING } from "../http/routing-options.ts";
import { agentIdParam } from "./agent-id-param.ts";
import { callAgentWorker, findRunningAgent, findWorkspaceAgent } from "./call-agent-worker.ts";

/** The worker stores the checks within this long of the session's start (api.md "Agents"). */
const CHECKS_WINDOW_MS = 30_000;
const POLL_MS = 250;
const TRUST_RETRY_AFTER_SECONDS = 5;

const isRunning = (agent: AgentWithSession): boolean => agent.status === "running" && agent.session?.status === "running";

/** /v1/agents/{id}/fingerprint, /detection-signal, /trust: what the agent's browser presents and how it fares. */
export function agentIdentityRoutes(deps: ApiDeps): Router {
  const router = Router(ROUTING);

  const mustFind = (workspaceId: string, id: string): Promise<AgentWithSession> => findWorkspaceAgent(deps, workspaceId, id);

  // Read live from the running browser by the worker hosting it.
  router.get("/agents/:id/fingerprint", async (req, res) => {
    const agent = await findRunningAgent(deps, req.auth!.workspaceId, req.params.id as string | undefined);
    const answer = await callAgentWorker<AgentFingerprintView>(deps, agent.session, "/fingerprint");
    const parsed = agentFingerprintView.safeParse(answer);
    if (!parsed.success) throw new ApiError("UPSTREAM_UNAVAILABLE", "the worker hosting this agent answered an unreadable fingerprint");
    res.json(parsed.data);
  });

  router.get("/agents/:id/detection-signal", async (req, res) => {
    const agent = await mustFind(req.auth!.workspaceId, agentIdParam(req.params.id as string | undefined));
    const view: AgentDetectionSignalView = { signal: (agent.detectionSignal as unknown as DetectionSignal | null) ?? null };
    res.json(view);
  });

  // A running agent not yet measured is waited for, up to 30 s after its session started: the checks are due by then.
  router.get("/agents/:id/trust", async (req, res) => {
    const workspaceId = req.auth!.workspaceId;
    const id = agentIdParam(req.params.id as string | undefined);
    let agent = await mustFind(workspaceId, id);
    const startedAt = agent.session?.startedAt?.getTime() ?? Date.now();
    while (agent.trustScore === null && isRunning(agent) && Date.now() < startedAt + CHECKS_WINDOW_MS && !req.socket.destroyed) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      agent = await mustFind(workspaceId, id);
    }
    if (agent.trustScore === null || agent.trustInputs === null) {
      if (!isRunning(agent)) throw new ApiError("AGENT_NOT_RUNNING", `agent ${id} is ${agent.status} and its browser was never measured`);
      throw new ApiError("SERVICE_UNAVAILABLE", `agent ${id}'s detection checks have not been stored yet; retry shortly`, { retryAfter: TRUST_RETRY_AFTER_SECONDS });
    }
    const view: AgentTrustView = { trust_score: agent.trustScore, band: trustBand(agent.trustScore), inputs: agent.trustInputs as unknown as TrustInput[] };
    res.json(view);
  });

  return router;
}
