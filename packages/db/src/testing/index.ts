export * from "./temporary-database.ts";
