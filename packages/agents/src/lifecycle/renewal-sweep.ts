import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { destroyStoppedAgent, endAgentSession, findDueRenewals, openSessionOf, renewAgent, type Db } from "@browserfleet/db";
import { startPeriodicTask, type PeriodicTask } from "@browserfleet/runtime";
import { announceAgentEnd } from "../placement/agent-signals.ts";

const DAY_MS = 86_400_000;
/** Cycles one agent may catch up on in one pass (a long outage owes several; the next pass continues). */
const MAX_CYCLES_PER_PASS = 10;

export interface RenewalSweepOptions {
  prisma: Db;
  redis: Redis;
  prefix: string;
  /** persistent_agent_renewal. */
  credits: number;
  /** PERSISTENT_RENEWAL_DAYS. */
  periodDays: number;
  ttlScale: number;
  intervalMs: number;
  logger: Logger;
  batch?: number;
}

/**
 * One pass: every persistent agent whose renewal is due is charged for each cycle it owes
 * (agent.renewed); one that cannot pay is destroyed with its profile (agent.renewal_failed, then
 * agent.destroyed), its open session closed on its worker. Safe in any number of processes.
 */
export async function renewDueAgents(options: RenewalSweepOptions): Promise<{ renewed: number; destroyed: number }> {
  const now = new Date();
  const { due, unpaid } = await findDueRenewals(options.prisma, { now, limit: options.batch ?? 200 });
  const toDestroy = new Set(unpaid);
  let renewed = 0;
  for (const agentId of due) {
    for (let cycle = 0; cycle < MAX_CYCLES_PER_PASS; cycle += 1) {
      const outcome = await renewAgent(options.prisma, { agentId, credits: options.credits, periodMs: options.periodDays * DAY_MS, now });
      if (outcome.kind === "unpaid") toDestroy.add(agentId);
      if (outcome.kind !== "renewed") break;
      renewed += 1;
      options.logger.info({ agent_id: agentId, credits: options.credits, next_renewal_at: outcome.nextAt }, "persistent agent renewed");
      if (outcome.nextAt > now) break;
    }
  }
  let destroyed = 0;
  for (const agentId of toDestroy) if (await destroyUnpaid(options, agentId)) destroyed += 1;
  return { renewed, destroyed };
}

async function destroyUnpaid(options: RenewalSweepOptions, agentId: string): Promise<boolean> {
  const sessionId = await openSessionOf(options.prisma, agentId);
  if (sessionId === null) {
    const done = await destroyStoppedAgent(options.prisma, { agentId, reason: "error" });
    if (done) options.logger.warn({ agent_id: agentId }, "persistent agent destroyed: its renewal could not be paid");
    return done;
  }
  const ended = await endAgentSession(options.prisma, { sessionId, reason: "error", ttlScale: options.ttlScale, destroyAgent: true });
  if (!ended) return false;
  options.logger.warn({ agent_id: agentId, session_id: sessionId, charged: ended.charged }, "persistent agent destroyed with its open session: its renewal could not be paid");
  // Its worker closes the clients and the browser without saving (the profile is gone with the agent).
  await announceAgentEnd(options.redis, options.prefix, { sessionId, reason: "error", destroy: true }).catch(() => undefined);
  return true;
}

/** The renewal sweep on a timer, in every API process. */
export function startRenewalSweep(options: RenewalSweepOptions): PeriodicTask {
  return startPeriodicTask(options.intervalMs, async () => {
    try {
      await renewDueAgents(options);
    } catch (err) {
      options.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "agent renewal sweep failed; next pass retries");
    }
  });
}
