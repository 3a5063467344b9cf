import { mintApiKey } from "@browserfleet/core";
import type { Tx } from "../client.ts";

/** What a caller sees exactly once: the secret `key` is never stored, only its sha256. */
export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  key: string;
  createdAt: Date;
}

/** Mints and stores a key inside the caller's transaction (shared by createWorkspace and createApiKey). */
export async function insertApiKey(
  tx: Tx,
  workspaceId: string,
  name: string,
): Promise<CreatedApiKey> {
  const minted = mintApiKey();
  const row = await tx.apiKey.create({
    data: { workspaceId, name, prefix: minted.prefix, keyHash: minted.hash },
    select: { id: true, name: true, prefix: true, createdAt: true },
  });
  return { ...row, key: minted.key };
}
