import type { BlobStores } from "../blobs/blob-stores.ts";
import type { Db } from "../client.ts";

export interface SweepExpiredResultsOptions {
  /** Results of jobs finished longer ago than this are deleted (fractions allowed); 0 keeps everything. */
  retentionDays: number;
  stores: BlobStores;
  /** Jobs per transaction, and most jobs one call sweeps (the next call carries on). */
  batchSize?: number;
  maxJobs?: number;
}

export interface SweptResults {
  jobs: number;
  items: number;
  blobs: number;
}

/**
 * Deletes the items, payload rows and blobs (in every configured store) of finished jobs past their
 * retention and marks each job, whose row stays. Each batch locks its jobs with SKIP LOCKED, so
 * replicas sweeping at once share the work; a remote store's deletes run under that lock and a
 * failure rolls the batch back, to be retried by the next sweep (deleting a blob twice is harmless).
 */
export async function sweepExpiredResults(prisma: Db, options: SweepExpiredResultsOptions): Promise<SweptResults> {
  const total: SweptResults = { jobs: 0, items: 0, blobs: 0 };
  if (!(options.retentionDays > 0)) return total;
  const batchSize = options.batchSize ?? 20;
  const maxJobs = options.maxJobs ?? 1_000;
  while (total.jobs < maxJobs) {
    const swept = await prisma.$transaction(
      async (tx) => {
        const jobs = await tx.$queryRaw<{ id: string }[]>`
          SELECT id::text AS id FROM jobs
          WHERE results_deleted_at IS NULL AND status IN ('completed', 'failed', 'cancelled')
            AND completed_at < now() - ${options.retentionDays}::float8 * interval '1 day'
          ORDER BY completed_at
          LIMIT ${Math.min(batchSize, maxJobs - total.jobs)}::int
          FOR UPDATE SKIP LOCKED`;
        const batch: SweptResults = { jobs: jobs.length, items: 0, blobs: 0 };
        for (const { id } of jobs) {
          for (const store of options.stores.all) batch.blobs += await store.deleteJob(id, tx);
          batch.items += await tx.$executeRaw`DELETE FROM job_items WHERE job_id = ${id}::uuid`;
          await tx.$executeRaw`UPDATE jobs SET results_deleted_at = now() WHERE id = ${id}::uuid`;
        }
        return batch;
      },
      { maxWait: 10_000, timeout: 120_000 },
    );
    total.jobs += swept.jobs;
    total.items += swept.items;
    total.blobs += swept.blobs;
    if (swept.jobs < batchSize) break;
  }
  return total;
}
