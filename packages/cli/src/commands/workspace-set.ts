import { setWorkspaceMaxAgents, setWorkspaceMaxConcurrency, setWorkspaceRateLimits, type PrismaClient, type Workspace } from "@browserfleet/db";
import type { CliIo } from "../cli-io.ts";

/** Every given setting changes together or none does. */
export async function runWorkspaceSet(
  prisma: PrismaClient,
  io: CliIo,
  cmd: { workspaceId: string; maxConcurrency?: number; maxAgents?: number; requestsPerMinute?: number; submissionsPerSecond?: number },
): Promise<void> {
  const workspace = await prisma.$transaction(async (tx): Promise<Workspace> => {
    let updated: Workspace | undefined;
    if (cmd.maxConcurrency !== undefined) updated = await setWorkspaceMaxConcurrency(tx, cmd.workspaceId, cmd.maxConcurrency);
    if (cmd.maxAgents !== undefined) updated = await setWorkspaceMaxAgents(tx, cmd.workspaceId, cmd.maxAgents);
    if (cmd.requestsPerMinute !== undefined || cmd.submissionsPerSecond !== undefined) {
      updated = await setWorkspaceRateLimits(tx, cmd.workspaceId, { requestsPerMinute: cmd.requestsPerMinute, submissionsPerSecond: cmd.submissionsPerSecond });
    }
    return updated!;
  });
  io.out(
    `workspace ${workspace.id}: max concurrency ${workspace.maxConcurrency}, max agents ${workspace.maxAgents}, ` +
      `${workspace.requestsPerMinute} requests/min per key, ${workspace.submissionsPerSecond} job submissions/s`,
  );
}
