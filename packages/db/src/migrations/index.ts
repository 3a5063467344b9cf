export * from "./migrate-database.ts";
export { DEFAULT_MIGRATIONS_DIR } from "../prisma-folder.ts";
export * from "./ensure-database.ts";
export * from "./migration-error.ts";
export { databaseNameOf, redactUrl } from "./database-url.ts";
