import type { Prisma } from "../generated/prisma/client.ts";

export interface ApiKeyLookup {
  id: string;
  workspaceId: string;
  revokedAt: Date | null;
}

/** The authentication lookup: by sha256 of the presented key (unique index), never by the key itself. */
export async function findApiKeyByHash(prisma: Prisma.TransactionClient, keyHash: string): Promise<ApiKeyLookup | null> {
  return prisma.apiKey.findUnique({
    where: { keyHash },
    select: { id: true, workspaceId: true, revokedAt: true },
  });
}
