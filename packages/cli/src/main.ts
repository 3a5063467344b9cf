import { loadConfig } from "@browserfleet/config";
import { processIo, type CliIo } from "./cli-io.ts";
import { runCreditsGrant } from "./commands/credits-grant.ts";
import { runKeyCreate } from "./commands/key-create.ts";
import { runWorkspaceCreate } from "./commands/workspace-create.ts";
import { runWorkspaceSet } from "./commands/workspace-set.ts";
import { describeFailure } from "./describe-failure.ts";
import { openDatabase } from "./open-database.ts";
import { parseCommand } from "./parse-command.ts";
import { USAGE } from "./usage.ts";

/** Runs one CLI invocation and returns its exit code; never calls process.exit itself. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let databaseUrl: string | undefined;
  try {
    const command = parseCommand(argv);
    if (command.kind === "help") {
      io.out(USAGE);
      return 0;
    }
    const config = loadConfig();
    databaseUrl = config.DATABASE_URL;
    const { prisma, applied } = await openDatabase(databaseUrl, io);
    try {
      switch (command.kind) {
        case "migrate":
          io.out(applied.length ? `applied ${applied.length} migration(s)` : "database is up to date");
          break;
        case "workspace-create":
          await runWorkspaceCreate(prisma, io, command);
          break;
        case "workspace-set":
          await runWorkspaceSet(prisma, io, command);
          break;
        case "key-create":
          await runKeyCreate(prisma, io, { ...command, maxActiveKeys: config.MAX_API_KEYS_PER_WORKSPACE });
          break;
        case "credits-grant":
          await runCreditsGrant(prisma, io, command);
          break;
      }
    } finally {
      await prisma.$disconnect();
    }
    return 0;
  } catch (err) {
    const { message, exitCode } = describeFailure(err, databaseUrl);
    io.err(`error: ${message}`);
    return exitCode;
  }
}
