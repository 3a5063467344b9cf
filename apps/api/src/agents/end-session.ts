import { announceAgentEnd } from "@browserfleet/agents";
import type { AgentEndedReason } from "@browserfleet/core";
import { endAgentSession, findAgentSession } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";

/** How long a DELETE waits for the hosting worker to save the profile and end the session itself. */
const WORKER_END_WAIT_MS = 15_000;

/**
 * Ends an open session of a persistent agent through the worker that hosts it, so the profile is
 * saved before the session counts as ended (the next session, on any worker, restores that save).
 * A session not placed yet, or whose worker does not answer in time, is ended here without a save.
 */
export async function endSessionThroughWorker(
  deps: Pick<ApiDeps, "prisma" | "redis" | "config" | "agentEndWaiter">,
  input: { sessionId: string; reason: AgentEndedReason; destroyAgent: boolean },
): Promise<void> {
  const session = await findAgentSession(deps.prisma, input.sessionId);
  if (!session || (session.status !== "queued" && session.status !== "running")) return;
  if (session.status === "running") {
    await announceAgentEnd(deps.redis, deps.config.QUEUE_PREFIX, { sessionId: input.sessionId, reason: input.reason, destroy: input.destroyAgent }).catch(() => undefined);
    if ((await deps.agentEndWaiter.waitForTerminal(input.sessionId, WORKER_END_WAIT_MS)) === "terminal") return;
  }
  await endAgentSession(deps.prisma, { sessionId: input.sessionId, reason: input.reason, ttlScale: deps.config.AGENT_TTL_SCALE, destroyAgent: input.destroyAgent });
  // Its worker, if it is alive after all, closes the browser on this signal or on its next Postgres check.
  await announceAgentEnd(deps.redis, deps.config.QUEUE_PREFIX, { sessionId: input.sessionId, reason: input.reason, destroy: input.destroyAgent }).catch(() => undefined);
}
