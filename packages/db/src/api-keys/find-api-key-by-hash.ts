import type { Tx } from "../client.ts";

export interface ApiKeyLookup {
  id: string;
  workspaceId: string;
  revokedAt: Date | null;
  /** The workspace's page concurrency, carried to the admission controller with each submission. */
  maxConcurrency: number;
  /** The workspace's rate limits: requests per minute per key, job submissions per second per workspace. */
  requestsPerMinute: number;
  submissionsPerSecond: number;
}

/** The authentication lookup: by sha256 of the presented key (unique index), never by the key itself. */
export async function findApiKeyByHash(prisma: Tx, keyHash: string): Promise<ApiKeyLookup | null> {
  const row = await prisma.apiKey.findUnique({
    where: { keyHash },
    select: {
      id: true,
      workspaceId: true,
      revokedAt: true,
      workspace: { select: { maxConcurrency: true, requestsPerMinute: true, submissionsPerSecond: true } },
    },
  });
  return (
    row && {
      id: row.id,
      workspaceId: row.workspaceId,
      revokedAt: row.revokedAt,
      maxConcurrency: row.workspace.maxConcurrency,
      requestsPerMinute: row.workspace.requestsPerMinute,
      submissionsPerSecond: row.workspace.submissionsPerSecond,
    }
  );
}
