export { isTransactionConflict } from "../prisma-errors.ts";
export * from "./run-transaction.ts";
