import { setWorkspaceMaxConcurrency, type PrismaClient } from "@browserfleet/db";
import type { CliIo } from "../cli-io.ts";

export async function runWorkspaceSet(
  prisma: PrismaClient,
  io: CliIo,
  cmd: { workspaceId: string; maxConcurrency: number },
): Promise<void> {
  const workspace = await setWorkspaceMaxConcurrency(prisma, cmd.workspaceId, cmd.maxConcurrency);
  io.out(`workspace ${workspace.id}: max concurrency is now ${workspace.maxConcurrency}`);
}
