import { FLEET_SECRET_HEADER } from "@browserfleet/agents";
import { ApiError } from "@browserfleet/core";
import { findAgent, type AgentWithSession } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { agentIdParam } from "./agent-id-param.ts";

const DEFAULT_TIMEOUT_MS = 15_000;

/** The workspace's agent (an id already checked by agentIdParam), or 404: another workspace's agent is not there. */
export async function findWorkspaceAgent(deps: Pick<ApiDeps, "prisma">, workspaceId: string, id: string): Promise<AgentWithSession> {
  const agent = await findAgent(deps.prisma, { workspaceId, agentId: id });
  if (!agent) throw new ApiError("NOT_FOUND", `agent ${id} not found`);
  return agent;
}

/** The workspace's agent with a running session, or 404 (not this workspace's) / 409 AGENT_NOT_RUNNING. */
export async function findRunningAgent(deps: Pick<ApiDeps, "prisma">, workspaceId: string, rawId: string | undefined): Promise<AgentWithSession & { session: NonNullable<AgentWithSession["session"]> & { workerUrl: string } }> {
  const id = agentIdParam(rawId);
  const agent = await findAgent(deps.prisma, { workspaceId, agentId: id });
  if (!agent) throw new ApiError("NOT_FOUND", `agent ${id} not found`);
  const session = agent.session;
  if (agent.status !== "running" || session?.status !== "running" || session.workerUrl === null) throw new ApiError("AGENT_NOT_RUNNING", `agent ${id} is ${agent.status}, not running`);
  return agent as AgentWithSession & { session: NonNullable<AgentWithSession["session"]> & { workerUrl: string } };
}

/**
 * Asks the worker hosting a running session for something over its relay's HTTP routes
 * (`<workerUrl>/agents/<session id><path>`, fleet secret attached) and returns the parsed JSON
 * answer. A 409 from the worker (the session just ended) is AGENT_NOT_RUNNING; no answer, or any
 * other failure, is UPSTREAM_UNAVAILABLE.
 */
export async function callAgentWorker<T>(
  deps: Pick<ApiDeps, "config">,
  session: { id: string; workerUrl: string },
  path: string,
  init: { method?: "GET" | "POST"; body?: unknown; timeoutMs?: number } = {},
): Promise<T> {
  let answer: Response;
  try {
    answer = await fetch(`${session.workerUrl}/agents/${session.id}${path}`, {
      method: init.method ?? "GET",
      headers: { [FLEET_SECRET_HEADER]: deps.config.FLEET_SECRET ?? "", ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(init.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch {
    throw new ApiError("UPSTREAM_UNAVAILABLE", "the worker hosting this agent did not answer");
  }
  if (answer.status === 409) throw new ApiError("AGENT_NOT_RUNNING", "the agent is not running");
  if (!answer.ok) throw new ApiError("UPSTREAM_UNAVAILABLE", `the worker hosting this agent answered ${answer.status}`);
  return (await answer.json()) as T;
}
