import type { Db } from "../client.ts";
import { moveCredits } from "../credits/move-credits.ts";
import { writeOutboxEvent } from "../webhooks/write-outbox-event.ts";

/** Why a renewal that could not be paid destroys its agent (stored on the agent, and in agent.renewal_failed). */
export const RENEWAL_FAILED_CODE = "INSUFFICIENT_CREDIT";

/** Persistent agents whose renewal is due (oldest first), and those whose failed renewal has not yet destroyed them. */
export async function findDueRenewals(prisma: Db, input: { now: Date; limit: number }): Promise<{ due: string[]; unpaid: string[] }> {
  const [due, unpaid] = await Promise.all([
    prisma.agent.findMany({
      where: { mode: "persistent", status: { in: ["queued", "running", "stopped"] }, nextRenewalAt: { lte: input.now } },
      orderBy: { nextRenewalAt: "asc" },
      take: input.limit,
      select: { id: true },
    }),
    prisma.agent.findMany({
      where: { mode: "persistent", status: { in: ["queued", "running", "stopped"] }, nextRenewalAt: null, errorCode: RENEWAL_FAILED_CODE },
      take: input.limit,
      select: { id: true },
    }),
  ]);
  return { due: due.map((a) => a.id), unpaid: unpaid.map((a) => a.id) };
}

export type RenewalOutcome = { kind: "renewed"; nextAt: Date } | { kind: "unpaid" } | { kind: "not_due" };

/**
 * Charges one renewal cycle of a persistent agent, if it is still due: the next one is due a period
 * after this one (not after now, so cycles never drift), with agent.renewed, all in one transaction.
 * When the balance cannot cover it, the agent is marked unpaid instead (no next renewal, error_code
 * INSUFFICIENT_CREDIT) with agent.renewal_failed, and the caller destroys it (a crash in between is
 * picked up by findDueRenewals' `unpaid`). Conditional on next_renewal_at, so any number of
 * processes may run this at once: each cycle is charged exactly once.
 */
export async function renewAgent(prisma: Db, input: { agentId: string; credits: number; periodMs: number; now: Date }): Promise<RenewalOutcome> {
  return prisma.$transaction(async (tx) => {
    const [agent] = await tx.$queryRaw<{ workspace_id: string; next_renewal_at: Date }[]>`
      SELECT workspace_id, next_renewal_at FROM agents
      WHERE id = ${input.agentId} AND mode = 'persistent' AND status IN ('queued', 'running', 'stopped') AND next_renewal_at <= ${input.now}::timestamptz
      FOR UPDATE SKIP LOCKED`;
    if (!agent) return { kind: "not_due" };
    const paid = await moveCredits(tx, { workspaceId: agent.workspace_id, delta: -input.credits, reason: "agent_renewal", agentId: input.agentId });
    if (!paid) {
      await tx.agent.update({
        where: { id: input.agentId },
        data: { nextRenewalAt: null, errorCode: RENEWAL_FAILED_CODE, errorMessage: `the renewal (${input.credits} credits) could not be paid: the balance is too low` },
      });
      await writeOutboxEvent(tx, {
        workspaceId: agent.workspace_id,
        type: "agent.renewal_failed",
        data: { agent_id: input.agentId, error_code: RENEWAL_FAILED_CODE, error_message: `the renewal (${input.credits} credits) could not be paid; the agent is destroyed` },
      });
      return { kind: "unpaid" };
    }
    const nextAt = new Date(agent.next_renewal_at.getTime() + input.periodMs);
    await tx.agent.update({ where: { id: input.agentId }, data: { nextRenewalAt: nextAt, costCredits: { increment: input.credits } } });
    await writeOutboxEvent(tx, {
      workspaceId: agent.workspace_id,
      type: "agent.renewed",
      data: { agent_id: input.agentId, renewal_credits: input.credits, next_renewal_at: nextAt.toISOString() },
    });
    return { kind: "renewed", nextAt };
  });
}

/** An unpaid agent's open session (queued or running), if any: the caller ends it with the agent. */
export async function openSessionOf(prisma: Db, agentId: string): Promise<string | null> {
  const session = await prisma.agentSession.findFirst({ where: { agentId, status: { in: ["queued", "running"] } }, select: { id: true } });
  return session?.id ?? null;
}
