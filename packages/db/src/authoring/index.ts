// Migration authoring (dev-time only: needs the devDependency @prisma/schema-engine-wasm).
export * from "./diff-migrations-to-schema.ts";
export * from "./write-migration-folder.ts";
export { readMigrationList, withSchemaEngine, NO_FILTERS } from "./with-schema-engine.ts";
export { DEFAULT_MIGRATIONS_DIR, PRISMA_SCHEMA_PATH } from "../prisma-folder.ts";
