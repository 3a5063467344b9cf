import { randomUUID } from "node:crypto";
import pg from "pg";
import { DEFAULT_MIGRATIONS_DIR } from "../prisma-folder.ts";
import { MigrationError } from "./migration-error.ts";
import { planMigrations } from "./plan-migrations.ts";
import { ensureMigrationsTable, readMigrationRecords, recordAppliedMigration } from "./prisma-migrations-table.ts";
import { readMigrationFolders, type MigrationFolder } from "./read-migration-folders.ts";

// The key `prisma migrate` itself locks, so our runner and Prisma's never interleave.
const MIGRATION_LOCK_KEY = 72707369;

export interface MigrateDatabaseOptions {
  migrationsDir?: string;
  log?: (msg: string) => void;
}

/**
 * Applies pending migrations in name order, each in its own transaction, recording them in
 * `_prisma_migrations` as Prisma does. Idempotent; concurrent callers queue on an advisory lock.
 */
export async function migrateDatabase(
  databaseUrl: string,
  options: MigrateDatabaseOptions = {},
): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => {});
  const folders = await readMigrationFolders(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await ensureMigrationsTable(client);
      const pending = planMigrations(folders, await readMigrationRecords(client), log);
      const applied: string[] = [];
      for (const migration of pending) {
        await applyMigration(client, migration);
        log(`applied migration ${migration.name}`);
        applied.push(migration.name);
      }
      return { applied };
    } finally {
      // Ending the session releases the lock anyway; a failed unlock must not hide the real error.
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

async function applyMigration(client: pg.Client, migration: MigrationFolder): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query(migration.sql);
    await recordAppliedMigration(client, { id: randomUUID(), name: migration.name, checksum: migration.checksum });
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${reason}`, {
      migrationName: migration.name,
      cause: err,
    });
  }
}
