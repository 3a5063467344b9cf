import { createPrismaClient, ensureDatabase, migrateDatabase, type PrismaClient } from "@browserfleet/db";
import type { CliIo } from "./cli-io.ts";

/** Creates and migrates the database if needed (idempotent, quick), so a newcomer needs no setup step. */
export async function openDatabase(databaseUrl: string, io: CliIo): Promise<{ prisma: PrismaClient; applied: string[] }> {
  const { created } = await ensureDatabase(databaseUrl);
  if (created) io.err("browserfleet: created the database");
  const { applied } = await migrateDatabase(databaseUrl, { log: (msg) => io.err(`browserfleet: ${msg}`) });
  // A one-shot admin command needs a single connection.
  return { prisma: createPrismaClient(databaseUrl, { poolMax: 1 }), applied };
}
