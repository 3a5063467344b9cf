import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "@browserfleet/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quoteIdentifier, withDatabase } from "../src/migrations/database-url.ts";
import { readMigrationFolders } from "../src/migrations/read-migration-folders.ts";
import { ensureTemplateDatabase, forgetTemplateDatabases, templateDatabaseName } from "../src/testing/template-database.ts";
import { copyOfMigrations, query } from "./migration-scratch.ts";

// Every template here is built from a private copy of the migrations with one extra migration of this run's own,
// so its name is this file's alone: the shared template other test files copy from is never touched.
const baseUrl = loadConfig().DATABASE_URL;
const maintenanceUrl = withDatabase(baseUrl, "postgres");
const tempDirs: string[] = [];
const databases = new Set<string>();

/** The repo's migrations plus one that creates a table named for this run, in a folder a test may change. */
async function privateMigrations(): Promise<string> {
  const dir = await copyOfMigrations(tempDirs);
  await addMigration(dir, "99990101000000_template_probe", `CREATE TABLE "template_probe_${randomBytes(6).toString("hex")}" (id int);\n`);
  return dir;
}

async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, "migration.sql"), sql);
}

async function databaseRow(name: string): Promise<{ datistemplate: boolean; datallowconn: boolean; comment: string | null } | undefined> {
  const rows = await query<{ datistemplate: boolean; datallowconn: boolean; comment: string | null }>(
    maintenanceUrl,
    "SELECT datistemplate, datallowconn, shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
    [name],
  );
  return rows[0];
}

/** A database copied from the template: what a test file gets, opened to read what the template holds. */
async function copyOf(template: string): Promise<string> {
  const name = `bf_test_${randomBytes(8).toString("hex")}`;
  databases.add(name);
  await query(maintenanceUrl, `CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`);
  return withDatabase(baseUrl, name);
}

async function dropDatabase(name: string): Promise<void> {
  await query(maintenanceUrl, `ALTER DATABASE ${quoteIdentifier(name)} WITH IS_TEMPLATE false`).catch(() => undefined);
  await query(maintenanceUrl, `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
}

let migrations: string;

beforeAll(async () => {
  migrations = await privateMigrations();
});

afterAll(async () => {
  for (const name of databases) await dropDatabase(name);
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe("templateDatabaseName", () => {
  it("is the same for the same migrations and changes when one is edited or added", async () => {
    const name = await templateDatabaseName(migrations);
    expect(name).toMatch(/^bf_tpl_[0-9a-f]{16}$/);
    const copy = await copyOfMigrations(tempDirs, migrations);
    expect(await templateDatabaseName(copy)).toBe(name);

    await writeFile(path.join(copy, "99990101000000_template_probe", "migration.sql"), "CREATE TABLE edited (id int);\n");
    const edited = await templateDatabaseName(copy);
    expect(edited).not.toBe(name);

    await addMigration(copy, "99990102000000_later", "CREATE TABLE later (id int);\n");
    expect(await templateDatabaseName(copy)).not.toBe(edited);
  });
});

describe("ensureTemplateDatabase", () => {
  it("builds a template holding every migration once, closed to connections, and reuses it afterwards", async () => {
    const name = await templateDatabaseName(migrations);
    databases.add(name);
    expect(await ensureTemplateDatabase(baseUrl, { migrationsDir: migrations })).toBe(name);
    const built = await databaseRow(name);
    expect(built).toMatchObject({ datistemplate: true, datallowconn: false, comment: expect.stringMatching(/^browserfleet test template, built at /) });

    const applied = await query<{ migration_name: string }>(
      await copyOf(name),
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name",
    );
    expect(applied.map((row) => row.migration_name)).toEqual((await readMigrationFolders(migrations)).map((folder) => folder.name));

    // Another process (no memory of this build) and concurrent callers find it built: the template is not rebuilt.
    forgetTemplateDatabases();
    const again = await Promise.all([1, 2, 3].map(() => ensureTemplateDatabase(baseUrl, { migrationsDir: migrations })));
    expect(again).toEqual([name, name, name]);
    forgetTemplateDatabases();
    expect(await ensureTemplateDatabase(baseUrl, { migrationsDir: migrations })).toBe(name);
    expect((await databaseRow(name))?.comment).toBe(built?.comment);
  });

  it("rebuilds what a crashed build left behind: a database of the template's name never marked a template", async () => {
    const dir = await privateMigrations();
    const name = await templateDatabaseName(dir);
    databases.add(name);
    await query(maintenanceUrl, `CREATE DATABASE ${quoteIdentifier(name)}`);
    await query(withDatabase(baseUrl, name), "CREATE TABLE half_built (id int)");

    forgetTemplateDatabases();
    expect(await ensureTemplateDatabase(baseUrl, { migrationsDir: dir })).toBe(name);
    expect(await databaseRow(name)).toMatchObject({ datistemplate: true, datallowconn: false });
    const leftovers = await query<{ found: string | null }>(await copyOf(name), "SELECT to_regclass('public.half_built')::text AS found");
    expect(leftovers).toEqual([{ found: null }]);
  });

  it("drops templates of other migrations built over an hour ago when it builds one, and keeps recent ones", async () => {
    const stale = `bf_tpl_stale${randomBytes(6).toString("hex")}`;
    const recent = `bf_tpl_recent${randomBytes(6).toString("hex")}`;
    databases.add(stale).add(recent);
    for (const [name, builtAt] of [
      [stale, new Date(Date.now() - 2 * 60 * 60 * 1000)],
      [recent, new Date(Date.now() - 60 * 1000)],
    ] as const) {
      await query(maintenanceUrl, `CREATE DATABASE ${quoteIdentifier(name)}`);
      await query(maintenanceUrl, `COMMENT ON DATABASE ${quoteIdentifier(name)} IS 'browserfleet test template, built at ${builtAt.toISOString()}'`);
      await query(maintenanceUrl, `ALTER DATABASE ${quoteIdentifier(name)} WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`);
    }

    const dir = await privateMigrations();
    databases.add(await templateDatabaseName(dir));
    forgetTemplateDatabases();
    await ensureTemplateDatabase(baseUrl, { migrationsDir: dir });
    expect(await databaseRow(stale)).toBeUndefined();
    expect(await databaseRow(recent)).toMatchObject({ datistemplate: true });
  });

  it("does not remember a failed build: fixing the migration and asking again builds it", async () => {
    const dir = await privateMigrations();
    await addMigration(dir, "99990102000000_broken", "CREATE TABLE broken (id int;\n");
    databases.add(await templateDatabaseName(dir));
    await expect(ensureTemplateDatabase(baseUrl, { migrationsDir: dir })).rejects.toThrow();

    await writeFile(path.join(dir, "99990102000000_broken", "migration.sql"), "CREATE TABLE broken (id int);\n");
    const fixed = await templateDatabaseName(dir);
    databases.add(fixed);
    expect(await ensureTemplateDatabase(baseUrl, { migrationsDir: dir })).toBe(fixed);
    expect(await databaseRow(fixed)).toMatchObject({ datistemplate: true });
  });
});
