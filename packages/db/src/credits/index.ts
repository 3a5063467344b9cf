export * from "./grant-credits.ts";
export * from "./list-ledger.ts";
