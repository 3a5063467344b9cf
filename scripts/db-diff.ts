// Authors the next migration offline: diffs prisma/migrations (replayed in a shadow db) against prisma/schema.prisma.
import { parseArgs } from "node:util";
import { loadConfig } from "@browserfleet/config";
import { DEFAULT_MIGRATIONS_DIR, PRISMA_SCHEMA_PATH, diffMigrationsToSchema, migrationFolderName, writeMigrationFolder } from "@browserfleet/db/authoring";

const USAGE = `usage: npm run db:diff -- --name <migration_name>   write prisma/migrations/<timestamp>_<name>/migration.sql
       npm run db:diff -- --check                   exit 1 if schema.prisma has changes no migration covers
       npm run db:diff -- --print                   print the pending SQL, write nothing
Needs only a reachable Postgres server (DATABASE_URL's server hosts a throwaway shadow database).`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { name: { type: "string" }, check: { type: "boolean" }, print: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help || (!values.name && !values.check && !values.print)) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const migrationsDir = DEFAULT_MIGRATIONS_DIR;
  const sql = await diffMigrationsToSchema({
    serverUrl: loadConfig().DATABASE_URL,
    schemaPath: PRISMA_SCHEMA_PATH,
    migrationsDir,
  });
  if (!sql) {
    console.log("prisma/schema.prisma and prisma/migrations agree: no migration needed.");
    return 0;
  }
  if (values.print || values.check) {
    console.log(sql);
    if (values.check) console.error("prisma/schema.prisma has changes that no migration covers: run npm run db:diff -- --name <name>");
    return values.check ? 1 : 0;
  }
  const folder = await writeMigrationFolder(migrationsDir, migrationFolderName(values.name ?? ""), sql);
  console.log(`wrote ${folder}/migration.sql — review it, then commit it with the schema change.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
