export * from "./is-transaction-conflict.ts";
export * from "./run-transaction.ts";
