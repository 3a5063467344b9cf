import type { ApiKeyLookup } from "../api-keys/find-api-key-by-hash.ts";
import type { DriverPool } from "./driver-pool.ts";

interface KeyRow {
  id: string;
  workspace_id: string;
  revoked_at: Date | null;
  max_concurrency: number;
  requests_per_minute: number;
  submissions_per_second: number;
}

/** findApiKeyByHash through the driver: the same row, read by the unique index on key_hash, with its workspace's limits. */
export async function findApiKeyByHashHot(driver: DriverPool, keyHash: string): Promise<ApiKeyLookup | null> {
  const { rows } = await driver.pool.query<KeyRow>({
    name: "bf_api_key_by_hash",
    text: `SELECT k.id, k.workspace_id, k.revoked_at, w.max_concurrency, w.requests_per_minute, w.submissions_per_second
             FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id
            WHERE k.key_hash = $1`,
    values: [keyHash],
  });
  const row = rows[0];
  return row
    ? {
        id: row.id,
        workspaceId: row.workspace_id,
        revokedAt: row.revoked_at,
        maxConcurrency: row.max_concurrency,
        requestsPerMinute: row.requests_per_minute,
        submissionsPerSecond: row.submissions_per_second,
      }
    : null;
}
