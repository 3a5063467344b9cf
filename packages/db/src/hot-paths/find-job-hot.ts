import type { Job } from "../client.ts";
import type { DriverPool } from "./driver-pool.ts";
import { JOB_COLUMNS, jobFromRow, type JobRow } from "./job-row.ts";

/** findJob through the driver: the whole row, as Prisma's Job. */
export async function findJobHot(driver: DriverPool, workspaceId: string, jobId: string): Promise<Job | null> {
  const { rows } = await driver.pool.query<JobRow>({
    name: "bf_job_by_id",
    text: `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1 AND workspace_id = $2`,
    values: [jobId, workspaceId],
  });
  return rows[0] ? jobFromRow(rows[0]) : null;
}
