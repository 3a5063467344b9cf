import { Router } from "express";
import { usageQuery } from "@browserfleet/core";
import { dailyUsage } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { ROUTING } from "../http/routing-options.ts";
import { validate } from "../http/validate.ts";

/** GET /v1/usage?from=&to=: the workspace's usage per UTC day. */
export function usageRoutes(deps: Pick<ApiDeps, "prisma">): Router {
  const router = Router(ROUTING);
  router.get("/usage", async (req, res) => {
    const range = validate(usageQuery, req.query, "query");
    const days = await dailyUsage(deps.prisma, { workspaceId: req.auth!.workspaceId, ...range });
    res.json({
      items: days.map((d) => ({ date: d.date, pages: d.pages, agent_seconds: d.agentSeconds, task_steps: d.taskSteps, bytes_up: d.bytesUp, bytes_down: d.bytesDown })),
    });
  });
  return router;
}
