import type { ListCursor } from "@browserfleet/core";
import type { Job, JobKind, JobStatus, Prisma } from "../generated/prisma/client.ts";
import type { Db } from "./db-types.ts";

export interface ListJobsInput {
  workspaceId: string;
  status?: JobStatus;
  kind?: JobKind;
  limit: number;
  after?: ListCursor;
}

/** Newest first, keyset-paged on (created_at, id) so pages stay stable while jobs arrive. */
export async function listJobs(prisma: Db, input: ListJobsInput): Promise<{ jobs: Job[]; next: ListCursor | null }> {
  const where: Prisma.JobWhereInput = { workspaceId: input.workspaceId };
  if (input.status) where.status = input.status;
  if (input.kind) where.kind = input.kind;
  if (input.after) {
    where.OR = [{ createdAt: { lt: input.after.createdAt } }, { createdAt: input.after.createdAt, id: { lt: input.after.id } }];
  }
  const rows = await prisma.job.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: input.limit + 1 });
  const jobs = rows.slice(0, input.limit);
  const last = jobs[jobs.length - 1];
  return { jobs, next: rows.length > input.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}
