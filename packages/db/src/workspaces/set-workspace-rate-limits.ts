import { ApiError, RATE_LIMIT_BOUNDS } from "@browserfleet/core";
import type { Workspace, Tx } from "../client.ts";
import { isPrismaError } from "../prisma-errors.ts";
import { requireWorkspaceId, workspaceNotFound } from "./require-workspace-id.ts";

export interface WorkspaceRateLimits {
  /** Requests per minute for each of the workspace's API keys. */
  requestsPerMinute?: number;
  /** Job submissions per second for the whole workspace. */
  submissionsPerSecond?: number;
}

function checkBound(value: number | undefined, what: string, bounds: { min: number; max: number }): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw new ApiError("BAD_REQUEST", `${what} must be an integer from ${bounds.min} to ${bounds.max}, got ${value}`);
  }
}

/** Changes either limit or both; every API replica applies it from the next request (read with the key). */
export async function setWorkspaceRateLimits(prisma: Tx, workspaceId: string, limits: WorkspaceRateLimits): Promise<Workspace> {
  requireWorkspaceId(workspaceId);
  checkBound(limits.requestsPerMinute, "requests per minute", RATE_LIMIT_BOUNDS.requestsPerMinute);
  checkBound(limits.submissionsPerSecond, "submissions per second", RATE_LIMIT_BOUNDS.submissionsPerSecond);
  try {
    return await prisma.workspace.update({
      where: { id: workspaceId },
      data: { requestsPerMinute: limits.requestsPerMinute, submissionsPerSecond: limits.submissionsPerSecond },
    });
  } catch (err) {
    if (isPrismaError(err, "P2025")) throw workspaceNotFound(workspaceId);
    throw err;
  }
}
