import { readFile, writeFile, cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "@browserfleet/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MIGRATIONS_DIR, NO_FILTERS, PRISMA_SCHEMA_PATH as SCHEMA_PATH, readMigrationList, withSchemaEngine } from "../src/authoring/index.ts";
import { readMigrationFolders } from "../src/migrations/read-migration-folders.ts";
import { createTemporaryDatabase, type TemporaryDatabase } from "../src/testing/index.ts";

let database: TemporaryDatabase;
let schema: { path: string; content: string };

beforeAll(async () => {
  database = await createTemporaryDatabase(loadConfig().DATABASE_URL);
  schema = { path: SCHEMA_PATH, content: await readFile(SCHEMA_PATH, "utf8") };
});

afterAll(async () => {
  await database?.drop();
});

// Prisma's own schema engine (the logic behind `migrate status` / `migrate deploy`) reads our history.
describe("a database migrated by migrateDatabase, as Prisma sees it", () => {
  it("is up to date, with nothing edited, failed or left to apply", async () => {
    const list = await readMigrationList(DEFAULT_MIGRATIONS_DIR);
    await withSchemaEngine(database.url, schema, async (engine) => {
      const diagnosis = await engine.diagnoseMigrationHistory({ migrationsList: list, optInToShadowDatabase: false, filters: NO_FILTERS });
      expect(diagnosis).toEqual({ editedMigrationNames: [], failedMigrationNames: [], hasMigrationsTable: true, history: null });
      expect(await engine.applyMigrations({ migrationsList: list, filters: NO_FILTERS })).toEqual({ appliedMigrationNames: [] });
    });
  });

  it("flags an edited migration as edited, so our checksums are Prisma's", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "bf-migrations-"));
    try {
      await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
      const [first] = await readMigrationFolders(dir);
      await writeFile(path.join(dir, first!.name, "migration.sql"), `${first!.sql}-- edited\n`);
      const list = await readMigrationList(dir);
      const diagnosis = await withSchemaEngine(database.url, schema, (engine) =>
        engine.diagnoseMigrationHistory({ migrationsList: list, optInToShadowDatabase: false, filters: NO_FILTERS }),
      );
      expect(diagnosis.editedMigrationNames).toEqual([first!.name]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
