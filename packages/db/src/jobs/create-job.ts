import { randomUUID } from "node:crypto";
import { ApiError } from "@browserfleet/core";
import type { Job, JobItem, JobKind, Db } from "../client.ts";
import { moveCredits } from "../credits/move-credits.ts";

export interface CreateJobInput {
  workspaceId: string;
  kind: JobKind;
  params: Record<string, unknown>;
  /** Sync quick calls fire no webhooks. */
  sync: boolean;
  urls: { url: string; depth?: number; urlKey?: string }[];
  /** Credits reserved up front: the job's worst case. */
  reserve: number;
}

/**
 * One transaction: reserve the credits (402 when the balance cannot cover them), write the
 * ledger entry, the job and one item per URL. Nothing else; enqueueing follows the commit.
 */
export async function createJob(prisma: Db, input: CreateJobInput): Promise<{ job: Job; items: JobItem[] }> {
  const jobId = randomUUID();
  return prisma.$transaction(async (tx) => {
    const job = await tx.job.create({ data: jobData(jobId, input) });
    // The ledger row points at the job, so the job comes first; a refusal rolls both back.
    if (input.reserve > 0 && !(await moveCredits(tx, { workspaceId: input.workspaceId, delta: -input.reserve, reason: "job_reserve", jobId }))) {
      throw new ApiError("INSUFFICIENT_CREDIT", `this job needs ${input.reserve} credits and the balance cannot cover them`);
    }
    const items = input.urls.map((u, seq) => ({
      id: randomUUID(),
      jobId,
      workspaceId: input.workspaceId,
      seq,
      url: u.url,
      depth: u.depth ?? 0,
      urlKey: u.urlKey ?? null,
    }));
    const created = await tx.jobItem.createManyAndReturn({ data: items });
    return { job, items: created.sort((x, y) => x.seq - y.seq) };
  });
}

function jobData(id: string, input: CreateJobInput) {
  return {
    id,
    workspaceId: input.workspaceId,
    kind: input.kind,
    params: input.params as object,
    sync: input.sync,
    progressTotal: input.urls.length,
    creditsReserved: input.reserve,
  };
}
