import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import { quoteIdentifier, withDatabase } from "../migrations/database-url.ts";
import { connectMaintenance, ensureTemplateDatabase, forgetTemplateDatabases, TEMPLATE_LOCK_KEY } from "./template-database.ts";

export interface TemporaryDatabase {
  /** URL of a fresh, fully migrated database that no other test can see. */
  url: string;
  /** Drops it, closing any connection still open (idempotent). */
  drop(): Promise<void>;
}

const OBJECT_IN_USE = "55006";
const INVALID_CATALOG_NAME = "3D000";
// The build's own session may linger a moment after it closed; anything longer is a real stray connection.
const TEMPLATE_BUSY_RETRY_MS = 5_000;

async function runOnMaintenanceDb(baseUrl: string, sql: string): Promise<void> {
  const client = await connectMaintenance(baseUrl);
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * One database per test file, so files run in parallel without seeing each other's rows. Copied
 * from a template migrated once per set of migrations, rather than replaying every migration.
 */
export async function createTemporaryDatabase(
  baseUrl = "postgresql://postgres@127.0.0.1:5432/postgres",
): Promise<TemporaryDatabase> {
  const name = `bf_test_${randomBytes(8).toString("hex")}`;
  const client = await connectMaintenance(baseUrl);
  try {
    await copyTemplate(client, baseUrl, name);
  } finally {
    await client.end();
  }
  const drop = () => runOnMaintenanceDb(baseUrl, `DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  return { url: withDatabase(baseUrl, name), drop };
}

async function copyTemplate(client: pg.Client, baseUrl: string, name: string): Promise<void> {
  const deadline = Date.now() + TEMPLATE_BUSY_RETRY_MS;
  let rebuilt = false;
  for (;;) {
    const template = await ensureTemplateDatabase(baseUrl);
    // Shared: copies run side by side, while a build or a stale-template drop waits for them.
    await client.query("SELECT pg_advisory_lock_shared($1)", [TEMPLATE_LOCK_KEY]);
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === OBJECT_IN_USE && Date.now() < deadline) {
        await sleep(50);
      } else if (code === INVALID_CATALOG_NAME && !rebuilt) {
        // Another run dropped it as stale (its migrations differ from ours): build it again.
        forgetTemplateDatabases();
        rebuilt = true;
      } else {
        throw err;
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock_shared($1)", [TEMPLATE_LOCK_KEY]).catch(() => undefined);
    }
  }
}
