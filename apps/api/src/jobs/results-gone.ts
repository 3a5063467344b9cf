import type { Job } from "@browserfleet/db";

const DAY_MS = 86_400_000;

/**
 * True once a finished job's results are past RESULT_RETENTION_DAYS: swept already, or due for
 * the next sweep (so answers do not depend on when the sweep last ran). 0 days keeps them forever.
 */
export function resultsGone(job: Pick<Job, "resultsDeletedAt" | "completedAt">, retentionDays: number, now = Date.now()): boolean {
  if (job.resultsDeletedAt !== null) return true;
  return retentionDays > 0 && job.completedAt !== null && job.completedAt.getTime() < now - retentionDays * DAY_MS;
}
