import { randomUUID } from "node:crypto";
import { ApiError } from "@browserfleet/core";
import type { Job } from "../client.ts";
import type { CreateJobInput } from "../jobs/create-job.ts";
import type { DriverPool } from "./driver-pool.ts";
import { JOB_COLUMNS, jobFromRow, type JobRow } from "./job-row.ts";

/**
 * createJob as ONE statement through the driver: the credit reservation (refused when the balance
 * cannot cover it), its ledger entry, the job and one item per URL, all or nothing (a statement is
 * its own transaction; the foreign keys are checked at its end). Prisma's interactive transaction
 * took six round trips and a third of the API's CPU on POST /v1/quick/scrape; this is one.
 * Same rows as createJob (packages/db/test/hot-paths.test.ts compares them).
 */
export async function createJobHot(driver: DriverPool, input: CreateJobInput): Promise<{ job: Job; itemIds: string[] }> {
  const jobId = randomUUID();
  const itemIds = input.urls.map(() => randomUUID());
  const { rows } = await driver.pool.query<JobRow>({
    name: "bf_create_job",
    text: `
      WITH debit AS (
        UPDATE workspaces SET credit_balance = credit_balance - $3, updated_at = now()
         WHERE id = $2 AND $3 > 0 AND credit_balance - $3 >= 0
        RETURNING credit_balance
      ), allowed AS (
        SELECT 1 WHERE $3 = 0 OR EXISTS (SELECT 1 FROM debit)
      ), job AS (
        INSERT INTO jobs (id, workspace_id, kind, params, sync, progress_total, credits_reserved, updated_at)
        SELECT $1, $2, $4::"JobKind", $5::jsonb, $6, $7, $3, now() FROM allowed
        RETURNING ${JOB_COLUMNS}
      ), ledger AS (
        INSERT INTO credit_ledger (id, workspace_id, delta, balance_after, reason, job_id)
        SELECT gen_random_uuid(), $2, -$3, debit.credit_balance, 'job_reserve', job.id FROM debit, job
      ), items AS (
        INSERT INTO job_items (id, job_id, workspace_id, seq, url, depth, url_key)
        SELECT i.id, job.id, $2, i.seq, i.url, i.depth, i.url_key
          FROM job, unnest($8::uuid[], $9::int[], $10::text[], $11::int[], $12::text[]) AS i(id, seq, url, depth, url_key)
      )
      -- The CTEs that write run whether or not this reads them.
      SELECT * FROM job`,
    values: [
      jobId,
      input.workspaceId,
      input.reserve,
      input.kind,
      JSON.stringify(input.params),
      input.sync,
      input.urls.length,
      itemIds,
      input.urls.map((_, seq) => seq),
      input.urls.map((u) => u.url),
      input.urls.map((u) => u.depth ?? 0),
      input.urls.map((u) => u.urlKey ?? null),
    ],
  });
  const row = rows[0];
  if (!row) throw new ApiError("INSUFFICIENT_CREDIT", `this job needs ${input.reserve} credits and the balance cannot cover them`);
  return { job: jobFromRow(row), itemIds };
}
