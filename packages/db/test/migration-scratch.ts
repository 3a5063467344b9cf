import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { DEFAULT_MIGRATIONS_DIR } from "../src/index.ts";

/** One statement on its own connection: for the maintenance database and databases a test made by hand. */
export async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A private copy of the repo's migrations that a test may edit or extend; its folder is added to `tempDirs`. */
export async function copyOfMigrations(tempDirs: string[], from = DEFAULT_MIGRATIONS_DIR): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "bf-migrations-"));
  tempDirs.push(dir);
  await cp(from, dir, { recursive: true });
  return dir;
}
