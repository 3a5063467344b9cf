import { Router } from "express";
import { ROUTING } from "../http/routing-options.ts";
import { PRICES, encodeListCursor, listLedgerQuery } from "@browserfleet/core";
import { findCreditBalance, listLedger } from "@browserfleet/db";
import type { ApiDeps } from "../deps.ts";
import { listCursorParam } from "../http/list-cursor-param.ts";
import { validate } from "../http/validate.ts";

/** GET /v1/credits (balance and prices) and GET /v1/credits/ledger (every movement, newest first). */
export function creditRoutes(deps: ApiDeps): Router {
  const router = Router(ROUTING);

  router.get("/credits", async (req, res) => {
    const balance = await findCreditBalance(deps.prisma, req.auth!.workspaceId);
    res.json({ balance, currency: "credits", prices: PRICES });
  });

  router.get("/credits/ledger", async (req, res) => {
    const query = validate(listLedgerQuery, req.query, "query");
    const page = await listLedger(deps.prisma, { workspaceId: req.auth!.workspaceId, limit: query.limit, after: listCursorParam(query.cursor) });
    res.json({
      items: page.entries.map((e) => ({
        id: e.id,
        created_at: e.createdAt.toISOString(),
        delta: e.delta,
        balance_after: e.balanceAfter,
        reason: e.reason,
        job_id: e.jobId,
        agent_id: e.agentId,
      })),
      next_cursor: page.next ? encodeListCursor(page.next) : null,
    });
  });

  return router;
}
