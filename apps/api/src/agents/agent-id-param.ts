import { ApiError, isAgentId } from "@browserfleet/core";

export function agentIdParam(value: string | undefined): string {
  if (value === undefined || !isAgentId(value)) throw new ApiError("INVALID_ID", "agent id must be agt_ followed by 20 lowercase hex characters (e.g. agt_3f9c0a1b2c3d4e5f6a7b)");
  return value;
}
