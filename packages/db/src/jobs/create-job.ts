import { randomUUID } from "node:crypto";
import { ApiError } from "@browserfleet/core";
import type { Job, JobItem, JobKind } from "../generated/prisma/client.ts";
import type { Db } from "./db-types.ts";

export interface CreateJobInput {
  workspaceId: string;
  kind: JobKind;
  params: Record<string, unknown>;
  /** Sync quick calls fire no webhooks. */
  sync: boolean;
  urls: { url: string; depth?: number }[];
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
    let job: Job;
    if (input.reserve > 0) {
      const rows = await tx.$queryRaw<{ credit_balance: number }[]>`
        UPDATE workspaces SET credit_balance = credit_balance - ${input.reserve}, updated_at = now()
        WHERE id = ${input.workspaceId}::uuid AND credit_balance >= ${input.reserve}
        RETURNING credit_balance`;
      const row = rows[0];
      if (!row) {
        throw new ApiError("INSUFFICIENT_CREDIT", `this job needs ${input.reserve} credits and the balance cannot cover them`);
      }
      job = await tx.job.create({ data: jobData(jobId, input) });
      await tx.creditLedgerEntry.create({
        data: { workspaceId: input.workspaceId, delta: -input.reserve, balanceAfter: row.credit_balance, reason: "job_reserve", jobId },
      });
    } else {
      job = await tx.job.create({ data: jobData(jobId, input) });
    }
    const items = input.urls.map((u, seq) => ({
      id: randomUUID(),
      jobId,
      workspaceId: input.workspaceId,
      seq,
      url: u.url,
      depth: u.depth ?? 0,
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
