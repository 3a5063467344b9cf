import type { RouteDoc } from "./route-doc.ts";

/** GET /v1/agents/{id}/fingerprint, /detection-signal, /trust. */
export const agentIdentityRouteDocs: RouteDoc[] = [];
