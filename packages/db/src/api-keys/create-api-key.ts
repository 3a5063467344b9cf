import { ApiError } from "@browserfleet/core";
import type { Db } from "../client.ts";
import { requireWorkspaceId, workspaceNotFound } from "../workspaces/require-workspace-id.ts";
import { insertApiKey, type CreatedApiKey } from "./insert-api-key.ts";

export interface CreateApiKeyOptions {
  workspaceId: string;
  name: string;
  /** Most active (unrevoked) keys the workspace may hold, this one included. */
  maxActiveKeys: number;
}

/**
 * A new key for an existing workspace, within its cap of active keys; the plaintext is in the
 * result and nowhere else. The workspace row is locked while counting, so concurrent creates
 * queue behind each other and can never pass the cap together.
 */
export async function createApiKey(prisma: Db, { workspaceId, name, maxActiveKeys }: CreateApiKeyOptions): Promise<CreatedApiKey> {
  requireWorkspaceId(workspaceId);
  const trimmed = name.trim();
  if (!trimmed) throw new ApiError("BAD_REQUEST", "api key name must not be empty");
  return prisma.$transaction(async (tx) => {
    // NO KEY UPDATE: serializes key creation per workspace without blocking inserts that only reference the row (jobs).
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM workspaces WHERE id = ${workspaceId}::uuid FOR NO KEY UPDATE`;
    if (locked.length === 0) throw workspaceNotFound(workspaceId);
    const active = await tx.apiKey.count({ where: { workspaceId, revokedAt: null } });
    if (active >= maxActiveKeys) {
      throw new ApiError(
        "KEY_LIMIT_REACHED",
        `this workspace already has ${active} active API key${active === 1 ? "" : "s"}, the most it may hold (${maxActiveKeys}); revoke one (DELETE /v1/keys/{id}) before creating another`,
      );
    }
    return insertApiKey(tx, workspaceId, trimmed);
  });
}
