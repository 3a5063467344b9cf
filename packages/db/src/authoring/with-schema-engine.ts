import { readFile } from "node:fs/promises";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import { readMigrationFolders } from "../migrations/read-migration-folders.ts";
import { createCatalogFriendlyPool } from "./catalog-friendly-pool.ts";
import { loadSchemaEngine } from "./load-schema-engine.ts";
import { MIGRATION_LOCK_FILE, MIGRATION_LOCK_TOML } from "./migration-lock.ts";

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** The migrations folder in the shape the engine takes (the Prisma CLI reads it the same way). */
export async function readMigrationList(migrationsDir: string): Promise<MigrationList> {
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

/**
 * Runs fn with Prisma's schema engine (wasm) connected to databaseUrl, which also serves as its
 * shadow database, so that database must be a throwaway one for commands that replay migrations.
 */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  schemaFile: { path: string; content: string },
  fn: (engine: SchemaEngine) => Promise<T>,
  log?: (line: string) => void,
): Promise<T> {
  const SchemaEngineClass = await loadSchemaEngine();
  const pool = createCatalogFriendlyPool(databaseUrl);
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: () => new PrismaPg(pool).connect(),
    connectToShadowDb: () => new PrismaPg(pool).connect(),
  };
  try {
    const engine = await SchemaEngineClass.new(
      { datamodels: [[schemaFile.path, schemaFile.content]] },
      (line: string) => log?.(line),
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    try {
      return await fn(engine);
    } finally {
      engine.free();
    }
  } finally {
    await pool.end();
  }
}
