import { listLedgerQuery } from "../schemas/credits.ts";
import { creditsViewSchema, ledgerPageSchema } from "./common-schemas.ts";
import type { RouteDoc } from "./route-doc.ts";

/** /v1/credits: balance with the price table, and every movement of the balance. */
export const creditRouteDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/credits",
    operationId: "getCredits",
    summary: "The workspace's credit balance and the price of each unit of work",
    tag: "credits",
    auth: true,
    responses: { 200: { description: "balance and prices", schema: creditsViewSchema } },
    errors: [],
  },
  {
    method: "get",
    path: "/v1/credits/ledger",
    operationId: "listCreditLedger",
    summary: "Every credit movement (reservations, charges, releases, grants), newest first",
    tag: "credits",
    auth: true,
    query: listLedgerQuery,
    responses: { 200: { description: "one page of ledger entries", schema: ledgerPageSchema } },
    errors: [],
  },
];
