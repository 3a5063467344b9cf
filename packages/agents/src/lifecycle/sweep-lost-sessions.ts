import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { taskKeyName } from "@browserfleet/core";
import { endAgentSession, failAgentSession, findSessionsToSweep, taskJobOfAgent, type Db } from "@browserfleet/db";
import { startPeriodicTask, type PeriodicTask } from "@browserfleet/runtime";
import { announceAgentEnd, announceAgentSettled } from "../placement/agent-signals.ts";
import { liveSessionLeases } from "./session-lease.ts";

export interface LostSessionSweepOptions {
  prisma: Db;
  redis: Redis;
  prefix: string;
  /** AGENT_LEASE_MS: a session whose lease is gone ran until about this long before the sweep saw it. */
  leaseMs: number;
  ttlScale: number;
  intervalMs: number;
  logger: Logger;
  /** Sessions checked per pass. */
  batch?: number;
}

/**
 * One pass: every running session without a live lease ends `worker_lost` (charged up to the
 * lease's last renewal, never past the loss), and every queued session no create request can
 * still be waiting for fails. Safe in any number of processes at once: each end is conditional.
 */
export async function sweepLostSessions(options: LostSessionSweepOptions): Promise<{ lost: number; abandoned: number }> {
  const candidates = await findSessionsToSweep(options.prisma, { limit: options.batch ?? 500, abandonedAfterSeconds: 30 });
  const live = await liveSessionLeases(options.redis, options.prefix, candidates.running.map((s) => s.id));
  let lost = 0;
  for (const session of candidates.running) {
    if (live.has(session.id)) continue;
    const ended = await endAgentSession(options.prisma, {
      sessionId: session.id,
      reason: "worker_lost",
      endedAt: new Date(Date.now() - options.leaseMs),
      ttlScale: options.ttlScale,
    });
    if (!ended) continue;
    lost += 1;
    options.logger.warn({ session_id: session.id, agent_id: ended.agentId, workspace_id: ended.workspaceId, worker_id: session.workerId, charged: ended.charged }, "agent session lost with its worker");
    await announceAgentEnd(options.redis, options.prefix, { sessionId: session.id, reason: "worker_lost" }).catch(() => undefined);
    // A task that died with its worker: its LLM key leaves Redis now, not at the end of its TTL.
    if (ended.taskJobId !== null) await options.redis.del(taskKeyName(options.prefix, ended.taskJobId)).catch(() => undefined);
  }
  let abandoned = 0;
  for (const id of candidates.abandoned) {
    if (await failAgentSession(options.prisma, { sessionId: id, errorCode: "NO_CAPACITY", errorMessage: "no worker started the agent within its startup timeout" })) {
      abandoned += 1;
      const agentId = await options.prisma.agentSession.findUnique({ where: { id }, select: { agentId: true } });
      const taskJobId = agentId === null ? null : await taskJobOfAgent(options.prisma, agentId.agentId);
      if (taskJobId !== null) await options.redis.del(taskKeyName(options.prefix, taskJobId)).catch(() => undefined);
      await announceAgentSettled(options.redis, options.prefix, id).catch(() => undefined);
    }
  }
  return { lost, abandoned };
}

/** The sweep on a timer; every API and worker process runs one, so a loss is seen by whichever looks first. */
export function startLostSessionSweep(options: LostSessionSweepOptions): PeriodicTask {
  return startPeriodicTask(options.intervalMs, async () => {
    try {
      await sweepLostSessions(options);
    } catch (err) {
      options.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "lost agent session sweep failed; next pass retries");
    }
  });
}
