import type { ApiKeyLookup } from "../api-keys/find-api-key-by-hash.ts";
import type { Job } from "../client.ts";
import type { DriverPool } from "./driver-pool.ts";
import { API_KEY_COLUMNS, apiKeyFromRow, type ApiKeyRow } from "./find-api-key-hot.ts";
import { JOB_COLUMNS, jobFromRow, type JobRow } from "./job-row.ts";

const JOB_COLUMNS_OF_J = JOB_COLUMNS.split(",")
  .map((column) => `j.${column.trim()}`)
  .join(", ");

/**
 * findApiKeyByHashHot and findJobHot in one round trip, for the polled job reads: the key (revoked
 * or not: the caller decides) with its workspace's limits, and the job only if it is that key's
 * workspace's. `key` null: no such key (and no job is returned whatever the id).
 */
export async function findApiKeyAndJobHot(driver: DriverPool, keyHash: string, jobId: string): Promise<{ key: ApiKeyLookup | null; job: Job | null }> {
  const { rows } = await driver.pool.query<ApiKeyRow & JobRow>({
    name: "bf_api_key_and_job",
    text: `SELECT ${API_KEY_COLUMNS}, ${JOB_COLUMNS_OF_J}
             FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
             LEFT JOIN jobs j ON j.id = $2 AND j.workspace_id = k.workspace_id
            WHERE k.key_hash = $1`,
    values: [keyHash, jobId],
  });
  const row = rows[0];
  if (!row) return { key: null, job: null };
  return { key: apiKeyFromRow(row), job: row.id === null ? null : jobFromRow(row) };
}
