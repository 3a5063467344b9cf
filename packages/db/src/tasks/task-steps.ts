import type { TaskStepRecord } from "@browserfleet/core";
import type { Db, Prisma, TaskStep } from "../client.ts";
import { runTransaction } from "../transactions/run-transaction.ts";


/**
 * One step and its task_step credit in one transaction, the job row locked first: written only
 * while the job runs (a cancelled or timed-out task records nothing more, so it is never charged
 * past its end) and within its reservation. False when the job is no longer running.
 */
export async function recordTaskStep(prisma: Db, jobId: string, step: TaskStepRecord): Promise<boolean> {
  return runTransaction(prisma, async (tx) => {
    const moved = await tx.$executeRaw`
      UPDATE jobs SET step_count = ${step.n}, credits_charged = credits_charged + 1, updated_at = now()
      WHERE id = ${jobId}::uuid AND kind = 'task' AND status = 'running' AND step_count = ${step.n - 1} AND credits_charged < credits_reserved`;
    if (moved === 0) return false;
    await tx.taskStep.create({
      data: {
        jobId,
        n: step.n,
        action: step.action,
        args: step.args === null ? undefined : (step.args as Prisma.InputJsonObject),
        url: step.url,
        observation: step.observation,
        error: step.error,
        startedAt: step.startedAt,
        durationMs: Math.max(0, Math.round(step.durationMs)),
        inputTokens: Math.max(0, Math.round(step.inputTokens)),
        outputTokens: Math.max(0, Math.round(step.outputTokens)),
      },
    });
    return true;
  });
}

/** A page of a task's steps in order, from step `afterN` + 1. */
export async function listTaskSteps(prisma: Db, input: { jobId: string; afterN: number; limit: number }): Promise<{ steps: TaskStep[]; next: number | null }> {
  const rows = await prisma.taskStep.findMany({ where: { jobId: input.jobId, n: { gt: input.afterN } }, orderBy: { n: "asc" }, take: input.limit + 1 });
  const steps = rows.slice(0, input.limit);
  return { steps, next: rows.length > input.limit ? steps[steps.length - 1]!.n : null };
}
