import { ApiError, isUuid } from "@browserfleet/core";

/** Rejects a malformed id before Postgres does, with the API's own error code. */
export function requireWorkspaceId(workspaceId: string): string {
  if (!isUuid(workspaceId)) throw new ApiError("INVALID_ID", `workspace id must be a UUID, got ${JSON.stringify(workspaceId)}`);
  return workspaceId;
}

export function workspaceNotFound(workspaceId: string): ApiError {
  return new ApiError("NOT_FOUND", `workspace ${workspaceId} not found`);
}
