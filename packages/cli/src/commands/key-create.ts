import { createApiKey, type PrismaClient } from "@browserfleet/db";
import type { CliIo } from "../cli-io.ts";

export async function runKeyCreate(
  prisma: PrismaClient,
  io: CliIo,
  cmd: { workspaceId: string; name: string; json: boolean; maxActiveKeys: number },
): Promise<void> {
  const key = await createApiKey(prisma, { workspaceId: cmd.workspaceId, name: cmd.name, maxActiveKeys: cmd.maxActiveKeys });
  if (cmd.json) {
    io.out(JSON.stringify({ id: key.id, name: key.name, prefix: key.prefix, key: key.key, created_at: key.createdAt.toISOString() }));
    return;
  }
  io.out(
    [
      `Created API key "${key.name}" (id ${key.id}) for workspace ${cmd.workspaceId}`,
      `  key:  ${key.key}`,
      "Shown only this once: store it now (only its hash is kept).",
    ].join("\n"),
  );
}
