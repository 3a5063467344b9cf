import { createWorkspace, type PrismaClient } from "@browserfleet/db";
import type { CliIo } from "../cli-io.ts";

export async function runWorkspaceCreate(prisma: PrismaClient, io: CliIo, cmd: { name: string; json: boolean }): Promise<void> {
  const { workspace, apiKey } = await createWorkspace(prisma, { name: cmd.name });
  if (cmd.json) {
    io.out(JSON.stringify({ workspace_id: workspace.id, api_key: apiKey.key }));
    return;
  }
  io.out(
    [
      `Created workspace "${workspace.name}"`,
      `  workspace id:     ${workspace.id}`,
      `  credits:          ${workspace.creditBalance}`,
      `  max concurrency:  ${workspace.maxConcurrency}`,
      `  API key:          ${apiKey.key}`,
      "The API key is shown only this once: store it now (only its hash is kept).",
    ].join("\n"),
  );
}
