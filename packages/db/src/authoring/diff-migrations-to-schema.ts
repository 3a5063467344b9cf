import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList } from "@prisma/schema-engine-wasm";
import pg from "pg";
import { quoteIdentifier, withDatabase } from "../migrations/database-url.ts";
import { readMigrationFolders } from "../migrations/read-migration-folders.ts";
import { createCatalogFriendlyPool } from "./catalog-friendly-pool.ts";
import { loadSchemaEngine } from "./load-schema-engine.ts";
import { MIGRATION_LOCK_FILE, MIGRATION_LOCK_TOML } from "./migration-lock.ts";

export interface DiffMigrationsOptions {
  /** Any database URL on the server that may host the throwaway shadow database. */
  serverUrl: string;
  schemaPath: string;
  migrationsDir: string;
  log?: (msg: string) => void;
}

async function migrationList(migrationsDir: string): Promise<MigrationList> {
  const lock = await readFile(path.join(migrationsDir, MIGRATION_LOCK_FILE), "utf8").catch(() => MIGRATION_LOCK_TOML);
  const folders = await readMigrationFolders(migrationsDir);
  return {
    baseDir: path.resolve(migrationsDir),
    lockfile: { path: MIGRATION_LOCK_FILE, content: lock },
    shadowDbInitScript: "",
    migrationDirectories: folders.map((f) => ({
      path: f.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok" as const, value: f.sql } },
    })),
  };
}

async function onMaintenanceDb(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * What `prisma migrate diff --from-migrations --to-schema --script` prints, computed offline by the
 * wasm schema engine: the migrations are replayed into a throwaway shadow database, which is then
 * compared with the schema. Returns null when they already agree.
 */
export async function diffMigrationsToSchema(options: DiffMigrationsOptions): Promise<string | null> {
  const SchemaEngine = await loadSchemaEngine();
  const schema = await readFile(options.schemaPath, "utf8");
  const list = await migrationList(options.migrationsDir);
  const shadowName = `bf_shadow_${randomBytes(6).toString("hex")}`;
  await onMaintenanceDb(options.serverUrl, `CREATE DATABASE ${quoteIdentifier(shadowName)}`);
  const pool = createCatalogFriendlyPool(withDatabase(options.serverUrl, shadowName));
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: () => new PrismaPg(pool).connect(),
    connectToShadowDb: () => new PrismaPg(pool).connect(),
  };
  const engine = await SchemaEngine.new(
    { datamodels: [[options.schemaPath, schema]] },
    (line: string) => options.log?.(line),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  try {
    const result = await engine.diff({
      from: { tag: "migrations", ...list },
      to: { tag: "schemaDatamodel", files: [{ path: options.schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const script = (result.stdout ?? "").trim();
    return script === "" || /^-- This is an empty migration\.?$/.test(script) ? null : `${script}\n`;
  } finally {
    engine.free();
    await pool.end();
    await onMaintenanceDb(options.serverUrl, `DROP DATABASE IF EXISTS ${quoteIdentifier(shadowName)} WITH (FORCE)`);
  }
}
