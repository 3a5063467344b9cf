import pg from "pg";
import { databaseNameOf, quoteIdentifier, withDatabase } from "./database-url.ts";

const DUPLICATE_DATABASE = "42P04";

/** Creates the database named in the URL if missing, via the server's `postgres` maintenance database. */
export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean }> {
  const name = databaseNameOf(databaseUrl);
  const client = new pg.Client({ connectionString: withDatabase(databaseUrl, "postgres") });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return { created: false };
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
      return { created: true };
    } catch (err) {
      // Another process created it between our check and our CREATE: that is success.
      if ((err as { code?: string }).code === DUPLICATE_DATABASE) return { created: false };
      throw err;
    }
  } finally {
    await client.end();
  }
}
