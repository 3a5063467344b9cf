import { randomBytes } from "node:crypto";
import pg from "pg";
import { quoteIdentifier, withDatabase } from "../migrations/database-url.ts";
import { migrateDatabase } from "../migrations/migrate-database.ts";

export interface TemporaryDatabase {
  /** URL of a fresh, fully migrated database that no other test can see. */
  url: string;
  /** Drops it, closing any connection still open (idempotent). */
  drop(): Promise<void>;
}

async function runOnMaintenanceDb(baseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: withDatabase(baseUrl, "postgres") });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** One database per test file, so files run in parallel without seeing each other's rows. */
export async function createTemporaryDatabase(
  baseUrl = "postgresql://postgres@127.0.0.1:5432/postgres",
): Promise<TemporaryDatabase> {
  const name = `bf_test_${randomBytes(8).toString("hex")}`;
  await runOnMaintenanceDb(baseUrl, `CREATE DATABASE ${quoteIdentifier(name)}`);
  const drop = () => runOnMaintenanceDb(baseUrl, `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  const url = withDatabase(baseUrl, name);
  try {
    await migrateDatabase(url);
  } catch (err) {
    await drop().catch(() => undefined);
    throw err;
  }
  return { url, drop };
}
