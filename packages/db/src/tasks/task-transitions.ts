import { ApiError, type AgentEndedReason } from "@browserfleet/core";
import { Prisma, type Db, type Job, type Tx } from "../client.ts";
import { moveCredits } from "../credits/move-credits.ts";
import { runTransaction } from "../transactions/run-transaction.ts";
import { writeOutboxEvent } from "../webhooks/write-outbox-event.ts";

// A task job's life: queued (its burner waits for a worker) → running ⇄ input_required → completed,
// failed or cancelled. Each transition locks the job row first (then the workspace's, for credits),
// the order every job transaction keeps (lock-job.ts).

const LIVE_TASK_STATUSES = ["queued", "running", "input_required"] as const;

/** The burner's browser runs and the worker starts the loop: queued → running. False when the task ended meanwhile (cancel). */
export async function markTaskRunning(prisma: Db, jobId: string): Promise<boolean> {
  const moved = await prisma.job.updateMany({ where: { id: jobId, kind: "task", status: "queued" }, data: { status: "running", startedAt: new Date() } });
  return moved.count === 1;
}

/** ask_user: running → input_required with result.question, and job.input_required, in one transaction. False when it no longer runs. */
export async function pauseTaskForInput(prisma: Db, input: { jobId: string; question: string }): Promise<boolean> {
  return runTransaction(prisma, async (tx) => {
    const [job] = await tx.$queryRaw<{ workspace_id: string }[]>`
      UPDATE jobs SET status = 'input_required', task_result = ${JSON.stringify({ question: input.question })}::jsonb, updated_at = now()
      WHERE id = ${input.jobId}::uuid AND kind = 'task' AND status = 'running'
      RETURNING workspace_id`;
    if (!job) return false;
    await writeOutboxEvent(tx, { workspaceId: job.workspace_id, type: "job.input_required", data: { job_id: input.jobId, kind: "task", question: input.question } });
    return true;
  });
}

/**
 * POST /v1/jobs/{id}/respond: the answer lands on the waiting ask_user step and the job runs
 * again (the worker holding its browser picks the answer up). Null when the workspace has no such
 * job; 409 JOB_NOT_WAITING unless it is input_required.
 */
export async function respondToTask(prisma: Db, input: { workspaceId: string; jobId: string; answer: string }): Promise<Job | null> {
  return runTransaction(prisma, async (tx) => {
    const [job] = await tx.$queryRaw<{ status: string; step_count: number; kind: string }[]>`
      SELECT status::text AS status, step_count, kind::text AS kind FROM jobs WHERE id = ${input.jobId}::uuid AND workspace_id = ${input.workspaceId}::uuid FOR UPDATE`;
    if (!job) return null;
    if (job.status !== "input_required") {
      throw new ApiError("JOB_NOT_WAITING", `job ${input.jobId} is ${job.status}, not input_required: there is no question to answer`);
    }
    await tx.taskStep.update({ where: { jobId_n: { jobId: input.jobId, n: job.step_count } }, data: { observation: input.answer, answeredAt: new Date() } });
    return tx.job.update({ where: { id: input.jobId }, data: { status: "running", taskResult: Prisma.DbNull } });
  });
}

/** The worker waiting on ask_user: the answer once the job runs again, "ended" when it left input_required any other way, null while it waits. */
export async function readTaskAnswer(prisma: Db, input: { jobId: string; n: number }): Promise<{ answer: string } | "ended" | null> {
  const job = await prisma.job.findUnique({ where: { id: input.jobId }, select: { status: true } });
  if (!job || !["running", "input_required"].includes(job.status)) return "ended";
  if (job.status === "input_required") return null;
  const step = await prisma.taskStep.findUnique({ where: { jobId_n: { jobId: input.jobId, n: input.n } }, select: { observation: true, answeredAt: true } });
  return step?.answeredAt ? { answer: step.observation ?? "" } : null;
}

export type TaskEnd =
  | { status: "completed"; result: { final_result: unknown; steps_taken: number; trust_score: number | null } }
  | { status: "failed"; errorCode: string; errorMessage: string };

/**
 * The task's end, once: completed or failed from any live state, the unspent reservation
 * released, job.completed or job.failed in the outbox. False when it had already ended (a cancel
 * won, or the burner's end did).
 */
export async function finishTask(prisma: Db, jobId: string, end: TaskEnd): Promise<boolean> {
  return runTransaction(prisma, (tx) => finishTaskIn(tx, jobId, end));
}

async function finishTaskIn(tx: Tx, jobId: string, end: TaskEnd): Promise<boolean> {
  const [job] = await tx.$queryRaw<{ workspace_id: string; credits_reserved: number; credits_charged: number; step_count: number }[]>`
    SELECT workspace_id, credits_reserved, credits_charged, step_count FROM jobs
    WHERE id = ${jobId}::uuid AND kind = 'task' AND status::text IN (${LIVE_TASK_STATUSES[0]}, ${LIVE_TASK_STATUSES[1]}, ${LIVE_TASK_STATUSES[2]}) FOR UPDATE`;
  if (!job) return false;
  const failed = end.status === "failed";
  await tx.job.update({
    where: { id: jobId },
    data: {
      status: end.status,
      completedAt: new Date(),
      progressDone: 1,
      progressFailed: failed ? 1 : 0,
      errorCode: failed ? end.errorCode : null,
      errorMessage: failed ? end.errorMessage : null,
      taskResult: failed ? Prisma.DbNull : (end.result as Prisma.InputJsonObject),
    },
  });
  const release = job.credits_reserved - job.credits_charged;
  if (release > 0) await moveCredits(tx, { workspaceId: job.workspace_id, delta: release, reason: "job_release", jobId });
  await writeOutboxEvent(
    tx,
    failed
      ? { workspaceId: job.workspace_id, type: "job.failed", data: { job_id: jobId, kind: "task", error_code: end.errorCode, error_message: end.errorMessage } }
      : {
          workspaceId: job.workspace_id,
          type: "job.completed",
          data: { job_id: jobId, kind: "task", progress_done: 1, progress_total: 1, credits_charged: job.credits_charged, result: end.result },
        },
  );
  return true;
}

/** How a task ends when its burner ends first (the worker's own finish always comes before the browser's end). */
function endOfBurner(reason: AgentEndedReason | { failed: string }): { errorCode: string; errorMessage: string } {
  if (typeof reason === "object") {
    return reason.failed === "NO_CAPACITY"
      ? { errorCode: "TIMEOUT", errorMessage: "no worker could start the task's browser within its wallclock_seconds" }
      : { errorCode: "INTERNAL_ERROR", errorMessage: `the task's browser could not start (${reason.failed})` };
  }
  switch (reason) {
    case "ttl":
      return { errorCode: "TIMEOUT", errorMessage: "the task passed its wallclock_seconds" };
    case "client":
      return { errorCode: "CANCELLED", errorMessage: "the task's agent was deleted" };
    case "worker_lost":
      return { errorCode: "INTERNAL_ERROR", errorMessage: "the worker running the task was lost; a task is never re-run by itself (its steps may have side effects)" };
    default:
      return { errorCode: "INTERNAL_ERROR", errorMessage: `the task's browser ended (${reason}) before the task did` };
  }
}

/**
 * Inside a burner's end (or failed start) transaction, before its credits move: the task it was
 * running, if still live, fails with what ended the browser, charged only for the steps recorded.
 * Returns the job id it ended (null when there was none, or it had ended).
 */
export async function endTaskOfAgent(tx: Tx, agentId: string, reason: AgentEndedReason | { failed: string }): Promise<string | null> {
  const job = await tx.job.findUnique({ where: { agentId }, select: { id: true, status: true } });
  if (!job || !(LIVE_TASK_STATUSES as readonly string[]).includes(job.status)) return null;
  await finishTaskIn(tx, job.id, { status: "failed", ...endOfBurner(reason) });
  return job.id;
}

/** The task a burner runs, if any (its key is deleted by whoever ends the burner outside the worker). */
export async function taskJobOfAgent(prisma: Db, agentId: string): Promise<string | null> {
  return (await prisma.job.findUnique({ where: { agentId }, select: { id: true } }))?.id ?? null;
}
