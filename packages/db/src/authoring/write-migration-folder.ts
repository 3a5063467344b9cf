import { access, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { readMigrationFolders } from "../migrations/read-migration-folders.ts";
import { MIGRATION_LOCK_FILE, MIGRATION_LOCK_TOML } from "./migration-lock.ts";

/** Prisma's folder name: UTC `YYYYMMDDHHMMSS` then the name in snake case. */
export function migrationFolderName(name: string, now: Date = new Date()): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!slug) throw new Error(`migration name ${JSON.stringify(name)} has no letters or digits`);
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
  return `${stamp}_${slug}`;
}

/** Writes `<dir>/<folder>/migration.sql` (and the lock file on first use); returns the folder path. */
export async function writeMigrationFolder(migrationsDir: string, folderName: string, sql: string): Promise<string> {
  const existing = await readMigrationFolders(migrationsDir);
  const last = existing.at(-1)?.name;
  // The runner applies in name order, so a new migration must sort after every existing one.
  if (last && folderName <= last) throw new Error(`new migration ${folderName} would not sort after ${last}`);
  const folder = path.join(migrationsDir, folderName);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, "migration.sql"), sql);
  const lockPath = path.join(migrationsDir, MIGRATION_LOCK_FILE);
  await access(lockPath).catch(() => writeFile(lockPath, MIGRATION_LOCK_TOML));
  return folder;
}
