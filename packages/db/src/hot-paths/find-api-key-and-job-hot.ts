import type { ApiKeyLookup } from "../api-keys/find-api-key-by-hash.ts";
import type { Job } from "../client.ts";
import type { DriverPool } from "./driver-pool.ts";
import { JOB_COLUMNS, jobFromRow, type JobRow } from "./job-row.ts";

interface KeyAndJobRow extends JobRow {
  key_id: string;
  key_workspace_id: string;
  key_revoked_at: Date | null;
  key_max_concurrency: number;
  key_requests_per_minute: number;
  key_submissions_per_second: number;
}

const JOB_COLUMNS_OF_J = JOB_COLUMNS.split(",")
  .map((column) => `j.${column.trim()}`)
  .join(", ");

/**
 * findApiKeyByHashHot and findJobHot in one round trip, for the polled job reads: the key (revoked
 * or not: the caller decides) with its workspace's limits, and the job only if it is that key's
 * workspace's. `key` null: no such key (and no job is returned whatever the id).
 */
export async function findApiKeyAndJobHot(driver: DriverPool, keyHash: string, jobId: string): Promise<{ key: ApiKeyLookup | null; job: Job | null }> {
  const { rows } = await driver.pool.query<KeyAndJobRow>({
    name: "bf_api_key_and_job",
    text: `SELECT k.id AS key_id, k.workspace_id AS key_workspace_id, k.revoked_at AS key_revoked_at,
                  w.max_concurrency AS key_max_concurrency, w.requests_per_minute AS key_requests_per_minute,
                  w.submissions_per_second AS key_submissions_per_second, ${JOB_COLUMNS_OF_J}
             FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
             LEFT JOIN jobs j ON j.id = $2 AND j.workspace_id = k.workspace_id
            WHERE k.key_hash = $1`,
    values: [keyHash, jobId],
  });
  const row = rows[0];
  if (!row) return { key: null, job: null };
  const key: ApiKeyLookup = {
    id: row.key_id,
    workspaceId: row.key_workspace_id,
    revokedAt: row.key_revoked_at,
    maxConcurrency: row.key_max_concurrency,
    requestsPerMinute: row.key_requests_per_minute,
    submissionsPerSecond: row.key_submissions_per_second,
  };
  return { key, job: row.id === null ? null : jobFromRow(row) };
}
