import { TERMINAL_JOB_STATUSES, type JobStatus } from "@browserfleet/core";
import type { Db } from "../client.ts";

export async function isJobTerminal(prisma: Db, jobId: string): Promise<boolean> {
  const job = await prisma.job.findUnique({ where: { id: jobId }, select: { status: true } });
  return job !== null && TERMINAL_JOB_STATUSES.includes(job.status as JobStatus);
}

/** Terminal, or a task waiting for the user's answer (input_required): what wakes a long-poll. */
export async function isJobSettled(prisma: Db, jobId: string): Promise<boolean> {
  const job = await prisma.job.findUnique({ where: { id: jobId }, select: { status: true } });
  return job !== null && (job.status === "input_required" || TERMINAL_JOB_STATUSES.includes(job.status as JobStatus));
}
