import { loadConfig } from "@browserfleet/config";
import { afterAll, beforeAll } from "vitest";
import { createPrismaClient, type PrismaClient } from "../src/index.ts";
import { createTemporaryDatabase, type TemporaryDatabase } from "../src/testing/index.ts";

/** A migrated database of the test file's own, with a small client, dropped after the file. */
export function useTemporaryPrisma(): { readonly prisma: PrismaClient; readonly database: TemporaryDatabase } {
  let database: TemporaryDatabase | undefined;
  let prisma: PrismaClient | undefined;
  beforeAll(async () => {
    database = await createTemporaryDatabase(loadConfig().DATABASE_URL);
    prisma = createPrismaClient(database.url, { poolMax: 4 });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.drop();
  });
  return {
    get prisma() {
      if (prisma === undefined) throw new Error("the temporary database is not ready before beforeAll");
      return prisma;
    },
    get database() {
      if (database === undefined) throw new Error("the temporary database is not ready before beforeAll");
      return database;
    },
  };
}
