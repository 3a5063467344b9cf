import type { Db } from "./db-types.ts";

export async function isJobTerminal(prisma: Db, jobId: string): Promise<boolean> {
  const job = await prisma.job.findUnique({ where: { id: jobId }, select: { status: true } });
  return job !== null && (job.status === "completed" || job.status === "failed" || job.status === "cancelled");
}
