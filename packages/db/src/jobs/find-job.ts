import type { Job, Db } from "../client.ts";

/** A job of this workspace, or null: another workspace's job is indistinguishable from none. */
export async function findJob(prisma: Db, workspaceId: string, jobId: string): Promise<Job | null> {
  return prisma.job.findFirst({ where: { id: jobId, workspaceId } });
}
