import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "@browserfleet/config";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_MIGRATIONS_DIR, ensureDatabase, migrateDatabase, MigrationError } from "../src/index.ts";
import { quoteIdentifier, withDatabase } from "../src/migrations/database-url.ts";
import { migrationChecksum, readMigrationFolders } from "../src/migrations/read-migration-folders.ts";
import { copyOfMigrations, query } from "./migration-scratch.ts";

const baseUrl = loadConfig().DATABASE_URL;
const databases: string[] = [];
const tempDirs: string[] = [];

function freshDatabaseUrl(): string {
  const name = `bf_test_${randomBytes(8).toString("hex")}`;
  databases.push(name);
  return withDatabase(baseUrl, name);
}

afterAll(async () => {
  for (const name of databases) {
    await query(withDatabase(baseUrl, "postgres"), `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  }
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe("ensureDatabase", () => {
  it("creates the database named in the URL once", async () => {
    const url = freshDatabaseUrl();
    expect(await ensureDatabase(url)).toEqual({ created: true });
    expect(await ensureDatabase(url)).toEqual({ created: false });
  });
});

describe("migrateDatabase", () => {
  it("applies every migration exactly once when two processes start at the same time", async () => {
    const url = freshDatabaseUrl();
    await ensureDatabase(url);
    const expected = (await readMigrationFolders(DEFAULT_MIGRATIONS_DIR)).map((m) => m.name);
    expect(expected.length).toBeGreaterThan(0);

    const [a, b] = await Promise.all([migrateDatabase(url), migrateDatabase(url)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(expected);

    const rows = await query<{ migration_name: string }>(url, "SELECT migration_name FROM _prisma_migrations");
    expect(rows.map((r) => r.migration_name).sort()).toEqual(expected);
    const tables = await query<{ t: string | null }>(url, "SELECT to_regclass('workspaces')::text AS t");
    expect(tables[0]?.t).toBe("workspaces");

    expect(await migrateDatabase(url)).toEqual({ applied: [] });
  });

  it("records each migration the way Prisma does", async () => {
    const url = freshDatabaseUrl();
    await ensureDatabase(url);
    await migrateDatabase(url);
    const [first] = await readMigrationFolders(DEFAULT_MIGRATIONS_DIR);
    const rows = await query<{
      id: string;
      checksum: string;
      finished_at: Date | null;
      logs: string | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }>(url, "SELECT * FROM _prisma_migrations ORDER BY migration_name");
    const sql = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, first!.name, "migration.sql"), "utf8");
    expect(rows[0]).toMatchObject({ checksum: migrationChecksum(sql), logs: null, rolled_back_at: null, applied_steps_count: 1 });
    expect(rows[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rows[0]?.finished_at).toBeInstanceOf(Date);

    const columns = await query<{ column_name: string; data_type: string; character_maximum_length: number | null }>(
      url,
      "SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position",
    );
    expect(columns.map((c) => [c.column_name, c.data_type, c.character_maximum_length])).toEqual([
      ["id", "character varying", 36],
      ["checksum", "character varying", 64],
      ["finished_at", "timestamp with time zone", null],
      ["migration_name", "character varying", 255],
      ["logs", "text", null],
      ["rolled_back_at", "timestamp with time zone", null],
      ["started_at", "timestamp with time zone", null],
      ["applied_steps_count", "integer", null],
    ]);
  });

  it("refuses to run when an applied migration's script was edited", async () => {
    const dir = await copyOfMigrations(tempDirs);
    const url = freshDatabaseUrl();
    await ensureDatabase(url);
    await migrateDatabase(url, { migrationsDir: dir });
    const [first] = await readMigrationFolders(dir);
    await writeFile(path.join(dir, first!.name, "migration.sql"), `${first!.sql}\n-- edited afterwards\n`);

    const run = migrateDatabase(url, { migrationsDir: dir });
    await expect(run).rejects.toBeInstanceOf(MigrationError);
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(/was modified after it was applied/);
  });

  it("applies a later migration, and rolls back one that fails without recording it", async () => {
    const dir = await copyOfMigrations(tempDirs);
    const url = freshDatabaseUrl();
    await ensureDatabase(url);
    await migrateDatabase(url, { migrationsDir: dir });

    await mkdir(path.join(dir, "99990101000000_add_plan"));
    await writeFile(path.join(dir, "99990101000000_add_plan", "migration.sql"), `ALTER TABLE "workspaces" ADD COLUMN "plan" TEXT;\n`);
    expect(await migrateDatabase(url, { migrationsDir: dir })).toEqual({ applied: ["99990101000000_add_plan"] });

    await mkdir(path.join(dir, "99990102000000_broken"));
    const broken = `CREATE TABLE "half_done" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n`;
    await writeFile(path.join(dir, "99990102000000_broken", "migration.sql"), broken);
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(/99990102000000_broken failed and was rolled back/);

    const leftovers = await query<{ t: string | null }>(url, "SELECT to_regclass('half_done')::text AS t");
    expect(leftovers[0]?.t).toBeNull();
    const names = await query<{ migration_name: string }>(url, "SELECT migration_name FROM _prisma_migrations");
    expect(names.map((r) => r.migration_name)).not.toContain("99990102000000_broken");
  });
});
