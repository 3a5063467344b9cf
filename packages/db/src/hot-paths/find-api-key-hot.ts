import type { ApiKeyLookup } from "../api-keys/find-api-key-by-hash.ts";
import type { DriverPool } from "./driver-pool.ts";

/** A key's columns with its workspace's limits, from `api_keys k JOIN workspaces w`; aliased key_*, so a job's columns can sit beside them. */
export const API_KEY_COLUMNS = `k.id AS key_id, k.workspace_id AS key_workspace_id, k.revoked_at AS key_revoked_at,
  w.max_concurrency AS key_max_concurrency, w.requests_per_minute AS key_requests_per_minute,
  w.submissions_per_second AS key_submissions_per_second`;

export interface ApiKeyRow {
  key_id: string;
  key_workspace_id: string;
  key_revoked_at: Date | null;
  key_max_concurrency: number;
  key_requests_per_minute: number;
  key_submissions_per_second: number;
}

export function apiKeyFromRow(row: ApiKeyRow): ApiKeyLookup {
  return {
    id: row.key_id,
    workspaceId: row.key_workspace_id,
    revokedAt: row.key_revoked_at,
    maxConcurrency: row.key_max_concurrency,
    requestsPerMinute: row.key_requests_per_minute,
    submissionsPerSecond: row.key_submissions_per_second,
  };
}

/** findApiKeyByHash through the driver: the same row, read by the unique index on key_hash, with its workspace's limits. */
export async function findApiKeyByHashHot(driver: DriverPool, keyHash: string): Promise<ApiKeyLookup | null> {
  const { rows } = await driver.pool.query<ApiKeyRow>({
    name: "bf_api_key_by_hash",
    text: `SELECT ${API_KEY_COLUMNS} FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id WHERE k.key_hash = $1`,
    values: [keyHash],
  });
  return rows[0] ? apiKeyFromRow(rows[0]) : null;
}
