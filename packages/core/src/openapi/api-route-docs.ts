import { agentRouteDocs } from "./agent-route-docs.ts";
import { agentIdentityRouteDocs } from "./agent-identity-route-docs.ts";
import { agentLiveRouteDocs } from "./agent-live-route-docs.ts";
import { usageRouteDocs } from "./usage-route-docs.ts";
import { creditRouteDocs } from "./credit-route-docs.ts";
import { jobRouteDocs } from "./job-route-docs.ts";
import { taskRouteDocs } from "./task-route-docs.ts";
import { keyRouteDocs } from "./key-route-docs.ts";
import { opsRouteDocs } from "./ops-route-docs.ts";
import { quickRouteDocs } from "./quick-route-docs.ts";
import type { RouteDoc } from "./route-doc.ts";
import { webhookRouteDocs } from "./webhook-route-docs.ts";

/** Every route the API serves, in document order; a test holds this list and the Express route table equal. */
export const API_ROUTE_DOCS: RouteDoc[] = [
  ...quickRouteDocs,
  ...jobRouteDocs,
  ...taskRouteDocs,
  ...creditRouteDocs,
  ...usageRouteDocs,
  ...keyRouteDocs,
  ...webhookRouteDocs,
  ...agentRouteDocs,
  ...agentIdentityRouteDocs,
  ...agentLiveRouteDocs,
  ...opsRouteDocs,
];
