import { ApiError } from "@browserfleet/core";
import type { Workspace, Tx } from "../client.ts";
import { isPrismaError } from "../prisma-errors.ts";
import { requireWorkspaceId, workspaceNotFound } from "./require-workspace-id.ts";

export const MIN_MAX_AGENTS = 1;
export const MAX_MAX_AGENTS = 20;

/** How many agent sessions of this workspace may be queued or running at once across the whole fleet. */
export async function setWorkspaceMaxAgents(prisma: Tx, workspaceId: string, maxAgents: number): Promise<Workspace> {
  requireWorkspaceId(workspaceId);
  if (!Number.isInteger(maxAgents) || maxAgents < MIN_MAX_AGENTS || maxAgents > MAX_MAX_AGENTS) {
    throw new ApiError("BAD_REQUEST", `max agents must be an integer from ${MIN_MAX_AGENTS} to ${MAX_MAX_AGENTS}, got ${maxAgents}`);
  }
  try {
    return await prisma.workspace.update({ where: { id: workspaceId }, data: { maxAgents } });
  } catch (err) {
    if (isPrismaError(err, "P2025")) throw workspaceNotFound(workspaceId);
    throw err;
  }
}
