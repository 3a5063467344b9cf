import { usageView } from "../schemas/usage.ts";
import { z } from "zod";
import type { RouteDoc } from "./route-doc.ts";

const usageQueryDoc = z.object({
  from: z.string().optional().describe("first UTC day, YYYY-MM-DD (default: 29 days before `to`)"),
  to: z.string().optional().describe("last UTC day, YYYY-MM-DD (default: today)"),
});

/** GET /v1/usage: what the workspace used, per day. */
export const usageRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/usage",
    operationId: "getUsage",
    summary: "Usage per UTC day: pages, agent seconds, task steps, bytes through the egress proxy",
    tag: "credits",
    auth: true,
    query: usageQueryDoc,
    responses: { 200: { description: "one item per day of the range, empty days included", schema: usageView } },
    errors: [],
  },
];
