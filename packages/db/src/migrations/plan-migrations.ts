import { MigrationError } from "./migration-error.ts";
import type { MigrationRecord } from "./prisma-migrations-table.ts";
import { checksumMatches, type MigrationFolder } from "./read-migration-folders.ts";

/**
 * The folders still to apply, in order. Refuses a history that Prisma would also refuse:
 * an unfinished (failed) migration, or an applied one whose script has since been edited.
 */
export function planMigrations(
  folders: MigrationFolder[],
  records: MigrationRecord[],
  log: (msg: string) => void,
): MigrationFolder[] {
  // Rows marked rolled back are history only, exactly as Prisma treats them.
  const active = records.filter((r) => r.rolledBackAt === null);
  const unfinished = active.find((r) => r.finishedAt === null);
  if (unfinished) {
    throw new MigrationError(
      `migration ${unfinished.migrationName} was started but never finished (a failed \`prisma migrate deploy\`?). ` +
        "Fix the database by hand, then mark it with `prisma migrate resolve --applied|--rolled-back`.",
      { migrationName: unfinished.migrationName },
    );
  }
  const applied = new Map(active.map((r) => [r.migrationName, r]));
  const onDisk = new Set(folders.map((f) => f.name));
  for (const r of active) {
    if (!onDisk.has(r.migrationName)) log(`warning: migration ${r.migrationName} is applied but missing from the migrations folder`);
  }
  const pending: MigrationFolder[] = [];
  for (const folder of folders) {
    const record = applied.get(folder.name);
    if (!record) {
      pending.push(folder);
    } else if (!checksumMatches(folder.sql, record.checksum)) {
      throw new MigrationError(
        `migration ${folder.name} was modified after it was applied: the database recorded checksum ` +
          `${record.checksum}, the file now hashes to ${folder.checksum}. Restore the original migration.sql ` +
          "and put the change in a new migration (npm run db:diff).",
        { migrationName: folder.name },
      );
    }
  }
  return pending;
}
