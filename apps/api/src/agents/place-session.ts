import { announceAgentSettled, enqueueAgentSession, withdrawAgentSession } from "@browserfleet/agents";
import { ApiError } from "@browserfleet/core";
import { failAgentSession, findAgentSession } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";

export type PlaceDeps = Pick<ApiDeps, "prisma" | "redis" | "config" | "agentQueue" | "agentWaiter">;

const NO_CAPACITY_RETRY_AFTER_SECONDS = 5;

/**
 * Hands a committed session to the fleet and waits until a worker has its browser running, or
 * gives up at the startup timeout: the session fails (only if no worker got it running meanwhile:
 * the transition is conditional), its job is withdrawn and the answer is 503 NO_CAPACITY.
 */
export async function placeSession(deps: PlaceDeps, session: { id: string; agentId: string; startupTimeoutSeconds: number }): Promise<void> {
  try {
    await enqueueAgentSession(deps.agentQueue, session.id);
  } catch (err) {
    await failAgentSession(deps.prisma, { sessionId: session.id, errorCode: "SERVICE_UNAVAILABLE", errorMessage: "the agent could not be handed to the fleet (Redis)" }).catch(() => undefined);
    throw err;
  }
  await deps.agentWaiter.waitForTerminal(session.id, session.startupTimeoutSeconds * 1000);
  let placed = await findAgentSession(deps.prisma, session.id);
  if (placed?.status === "queued") {
    if (await failAgentSession(deps.prisma, { sessionId: session.id, errorCode: "NO_CAPACITY", errorMessage: `no worker started the agent within ${session.startupTimeoutSeconds} s` })) {
      await withdrawAgentSession(deps.agentQueue, session.id).catch(() => undefined);
      await announceAgentSettled(deps.redis, deps.config.QUEUE_PREFIX, session.id).catch(() => undefined);
    }
    placed = await findAgentSession(deps.prisma, session.id);
  }
  if (placed?.status === "failed") {
    throw new ApiError(
      "NO_CAPACITY",
      placed.errorCode === "NO_CAPACITY" ? `${placed.errorMessage ?? "no worker could start the agent"}; nothing was charged` : `the agent's browser could not start (${placed.errorCode}); nothing was charged`,
      { retryAfter: NO_CAPACITY_RETRY_AFTER_SECONDS, extra: { agent_id: session.agentId, session_id: session.id } },
    );
  }
}
