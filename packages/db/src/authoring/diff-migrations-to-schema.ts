import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import pg from "pg";
import { quoteIdentifier, withDatabase } from "../migrations/database-url.ts";
import { NO_FILTERS, readMigrationList, withSchemaEngine } from "./with-schema-engine.ts";

export interface DiffMigrationsOptions {
  /** Any database URL on the server that may host the throwaway shadow database. */
  serverUrl: string;
  schemaPath: string;
  migrationsDir: string;
  log?: (msg: string) => void;
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
  const schema = { path: options.schemaPath, content: await readFile(options.schemaPath, "utf8") };
  const list = await readMigrationList(options.migrationsDir);
  const shadowName = `bf_shadow_${randomBytes(6).toString("hex")}`;
  await onMaintenanceDb(options.serverUrl, `CREATE DATABASE ${quoteIdentifier(shadowName)}`);
  try {
    const result = await withSchemaEngine(
      withDatabase(options.serverUrl, shadowName),
      schema,
      (engine) =>
        engine.diff({
          from: { tag: "migrations", ...list },
          to: { tag: "schemaDatamodel", files: [schema] },
          script: true,
          exitCode: null,
          filters: NO_FILTERS,
        }),
      options.log,
    );
    const script = (result.stdout ?? "").trim();
    return script === "" || /^-- This is an empty migration\.?$/.test(script) ? null : `${script}\n`;
  } finally {
    await onMaintenanceDb(options.serverUrl, `DROP DATABASE IF EXISTS ${quoteIdentifier(shadowName)} WITH (FORCE)`);
  }
}
