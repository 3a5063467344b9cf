import type { ListCursor } from "@browserfleet/core";
import type { Job, JobKind, JobStatus, Prisma, Db } from "../client.ts";
import { NEWEST_FIRST, afterCursor, keysetPage } from "../paging/keyset-page.ts";

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
    where.OR = afterCursor(input.after);
  }
  const rows = await prisma.job.findMany({ where, orderBy: NEWEST_FIRST, take: input.limit + 1 });
  const page = keysetPage(rows, input.limit);
  return { jobs: page.items, next: page.next };
}
