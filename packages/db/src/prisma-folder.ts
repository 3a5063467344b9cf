import { fileURLToPath } from "node:url";

// The one place that knows where the project's top-level prisma/ folder is (beside apps/ and packages/): found from
// this file rather than the caller's cwd, so every script, test and app process reads the same migrations.
const PRISMA_DIR = new URL("../../../prisma/", import.meta.url);

/** prisma/migrations: the migration folders the runner applies. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL("migrations", PRISMA_DIR));
/** prisma/schema.prisma: the schema the client is generated from and the migrations must agree with. */
export const PRISMA_SCHEMA_PATH = fileURLToPath(new URL("schema.prisma", PRISMA_DIR));
