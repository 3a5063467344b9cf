import type pg from "pg";

// Prisma's own DDL for PostgreSQL, verbatim, so `prisma migrate deploy` reads our rows as its own.
const CREATE_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

export interface MigrationRecord {
  migrationName: string;
  checksum: string;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
}

export async function ensureMigrationsTable(client: pg.ClientBase): Promise<void> {
  const found = await client.query<{ exists: boolean }>(
    "SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists",
  );
  if (!found.rows[0]?.exists) await client.query(CREATE_TABLE);
}

export async function readMigrationRecords(client: pg.ClientBase): Promise<MigrationRecord[]> {
  const result = await client.query<{
    migration_name: string;
    checksum: string;
    finished_at: Date | null;
    rolled_back_at: Date | null;
  }>("SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at ASC");
  return result.rows.map((r) => ({
    migrationName: r.migration_name,
    checksum: r.checksum,
    finishedAt: r.finished_at,
    rolledBackAt: r.rolled_back_at,
  }));
}

/** One finished row, as Prisma writes after a successful apply (one step: the whole script). */
export async function recordAppliedMigration(
  client: pg.ClientBase,
  migration: { id: string; name: string; checksum: string },
): Promise<void> {
  await client.query(
    `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
    [migration.id, migration.checksum, migration.name],
  );
}
