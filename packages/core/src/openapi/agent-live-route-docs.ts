import type { RouteDoc } from "./route-doc.ts";

/** /live/{id}, POST /v1/agents/{id}/preview-token, POST /v1/agents/{id}/screenshot. */
export const agentLiveRouteDocs: RouteDoc[] = [];
