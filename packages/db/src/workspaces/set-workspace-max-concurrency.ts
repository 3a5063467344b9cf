import { ApiError } from "@browserfleet/core";
import type { Workspace, Tx } from "../client.ts";
import { isPrismaError } from "../prisma-errors.ts";
import { requireWorkspaceId, workspaceNotFound } from "./require-workspace-id.ts";

export const MIN_MAX_CONCURRENCY = 1;
export const MAX_MAX_CONCURRENCY = 8;

/** How many pages of this workspace may render at once across the whole fleet. */
export async function setWorkspaceMaxConcurrency(
  prisma: Tx,
  workspaceId: string,
  maxConcurrency: number,
): Promise<Workspace> {
  requireWorkspaceId(workspaceId);
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < MIN_MAX_CONCURRENCY || maxConcurrency > MAX_MAX_CONCURRENCY) {
    throw new ApiError(
      "BAD_REQUEST",
      `max concurrency must be an integer from ${MIN_MAX_CONCURRENCY} to ${MAX_MAX_CONCURRENCY}, got ${maxConcurrency}`,
    );
  }
  try {
    return await prisma.workspace.update({ where: { id: workspaceId }, data: { maxConcurrency } });
  } catch (err) {
    if (isPrismaError(err, "P2025")) throw workspaceNotFound(workspaceId);
    throw err;
  }
}
