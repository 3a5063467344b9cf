import { ApiError, newAgentId, type TaskJobParams } from "@browserfleet/core";
import type { Agent, AgentSession, Db, Job, Prisma } from "../client.ts";
import { holdAgentCap } from "../agents/create-agent.ts";
import { insertReservedSession } from "../agents/insert-reserved-session.ts";
import { moveCredits } from "../credits/move-credits.ts";

export interface CreateTaskJobInput {
  /** Chosen by the caller, so the key can be put in the vault under it before the job exists. */
  jobId: string;
  workspaceId: string;
  params: TaskJobParams;
  /** Credits reserved: max_steps task steps. */
  reserve: number;
  /** The burner's session length in agent time: the task's wallclock and a margin for its last write. */
  ttlSeconds: number;
  /** How long the session may wait for a worker's slot (the task's wallclock). */
  startupTimeoutSeconds: number;
  /** sha256 of the burner's first CDP and view tokens (the view token gives the 202's live_url). */
  tokenHashes: { cdp: string; view: string };
}

/**
 * One transaction: the workspace row locked and its max_agents counted (a task's burner is an
 * agent like any other), the burner and its session (nothing reserved for the browser itself: a
 * task pays per step), the job pointing at it, and the job's reservation (402 when the balance
 * cannot cover max_steps). The session is handed to the fleet after the commit.
 */
export async function createTaskJob(prisma: Db, input: CreateTaskJobInput): Promise<{ job: Job; agent: Agent; session: AgentSession }> {
  return prisma.$transaction(async (tx) => {
    await holdAgentCap(tx, input.workspaceId);
    const agent = await tx.agent.create({
      data: {
        id: newAgentId(),
        workspaceId: input.workspaceId,
        mode: "burner",
        osType: input.params.os_type,
        country: input.params.country,
        metadata: { "_bf.task_job_id": input.jobId } as Prisma.InputJsonObject,
        initialUrl: input.params.initial_url ?? null,
        // The task's own connection holds the browser; no idle end while the loop runs or waits for the user.
        idleTimeoutSeconds: input.ttlSeconds,
      },
    });
    const session = await insertReservedSession(tx, {
      workspaceId: input.workspaceId,
      agentId: agent.id,
      ttlSeconds: input.ttlSeconds,
      startupTimeoutSeconds: input.startupTimeoutSeconds,
      reserve: 0,
      tokenHashes: input.tokenHashes,
    });
    const job = await tx.job.create({
      data: {
        id: input.jobId,
        workspaceId: input.workspaceId,
        kind: "task",
        params: input.params as Prisma.InputJsonObject,
        progressTotal: 1,
        creditsReserved: input.reserve,
        agentId: agent.id,
      },
    });
    if (input.reserve > 0 && !(await moveCredits(tx, { workspaceId: input.workspaceId, delta: -input.reserve, reason: "job_reserve", jobId: job.id }))) {
      throw new ApiError("INSUFFICIENT_CREDIT", `this task needs ${input.reserve} credits reserved (max_steps task steps) and the balance cannot cover them`);
    }
    return { job, agent, session };
  });
}
