import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { MigrationError } from "./migration-error.ts";

export interface MigrationFolder {
  /** Folder name, e.g. `20250101120000_init`; also the `migration_name` recorded. */
  name: string;
  sql: string;
  /** sha256 hex of migration.sql, as Prisma records it. */
  checksum: string;
}

export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/** Prisma's rule: a checksum also matches the script with its line endings normalized (git autocrlf). */
export function checksumMatches(sql: string, checksum: string): boolean {
  if (migrationChecksum(sql) === checksum) return true;
  const lf = sql.replaceAll("\r\n", "\n");
  return migrationChecksum(lf) === checksum || migrationChecksum(lf.replaceAll("\n", "\r\n")) === checksum;
}

/** Every `<name>/migration.sql` under dir, in name order (the order Prisma applies them). */
export async function readMigrationFolders(dir: string): Promise<MigrationFolder[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return [];
    throw err;
  }
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const folders: MigrationFolder[] = [];
  for (const name of names) {
    let sql: string;
    try {
      sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
    } catch (err) {
      // Prisma's deploy fails on such a folder too; say which one instead of a bare ENOENT.
      throw new MigrationError(`migration folder ${name} has no readable migration.sql in ${dir}`, { migrationName: name, cause: err });
    }
    folders.push({ name, sql, checksum: migrationChecksum(sql) });
  }
  return folders;
}
