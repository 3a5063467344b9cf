import { announceAgentSettled, withdrawAgentSession } from "@browserfleet/agents";
import { taskKeyName } from "@browserfleet/core";
import { endAgentSession, type Job } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";

/**
 * After a task is cancelled: a burner still waiting for a worker is ended here and leaves the
 * agent queue (no browser starts for a task that is over, and its max_agents place frees now).
 * A running burner is ended by its worker, which stops the loop on the cancel signal. Either way
 * the task's LLM key leaves Redis now (a running loop already holds what it needs).
 */
export async function endCancelledTaskBurner(deps: Pick<ApiDeps, "prisma" | "redis" | "config" | "agentQueue">, job: Job): Promise<void> {
  if (job.kind !== "task" || job.agentId === null) return;
  await deps.redis.del(taskKeyName(deps.config.QUEUE_PREFIX, job.id));
  const waiting = await deps.prisma.agentSession.findFirst({ where: { agentId: job.agentId, status: "queued" }, select: { id: true } });
  if (!waiting) return;
  if (!(await endAgentSession(deps.prisma, { sessionId: waiting.id, reason: "client", ttlScale: deps.config.AGENT_TTL_SCALE }))) return;
  await withdrawAgentSession(deps.agentQueue, waiting.id).catch(() => undefined);
  await announceAgentSettled(deps.redis, deps.config.QUEUE_PREFIX, waiting.id).catch(() => undefined);
}
