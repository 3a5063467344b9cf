import { ApiError } from "@browserfleet/core";
import type { Prisma } from "../generated/prisma/client.ts";
import { isPrismaError } from "../prisma-errors.ts";
import { requireWorkspaceId, workspaceNotFound } from "../workspaces/require-workspace-id.ts";
import { insertApiKey, type CreatedApiKey } from "./insert-api-key.ts";

export interface CreateApiKeyOptions {
  workspaceId: string;
  name: string;
}

/** A new key for an existing workspace; the plaintext is in the result and nowhere else. */
export async function createApiKey(
  prisma: Prisma.TransactionClient,
  { workspaceId, name }: CreateApiKeyOptions,
): Promise<CreatedApiKey> {
  requireWorkspaceId(workspaceId);
  const trimmed = name.trim();
  if (!trimmed) throw new ApiError("BAD_REQUEST", "api key name must not be empty");
  try {
    return await insertApiKey(prisma, workspaceId, trimmed);
  } catch (err) {
    if (isPrismaError(err, "P2003")) throw workspaceNotFound(workspaceId);
    throw err;
  }
}
