import type { Db } from "../client.ts";

export type RevokeOutcome = "revoked" | "already_revoked" | "not_found";

/** Marks a key of this workspace revoked; a second revocation keeps the first revoked_at. */
export async function revokeApiKey(prisma: Db, input: { workspaceId: string; keyId: string }): Promise<RevokeOutcome> {
  const updated = await prisma.apiKey.updateMany({
    where: { id: input.keyId, workspaceId: input.workspaceId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (updated.count > 0) return "revoked";
  const existing = await prisma.apiKey.findFirst({ where: { id: input.keyId, workspaceId: input.workspaceId }, select: { id: true } });
  return existing ? "already_revoked" : "not_found";
}
