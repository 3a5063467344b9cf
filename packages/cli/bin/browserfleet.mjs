#!/usr/bin/env node
// Runs the TypeScript CLI without a build step; on a fresh clone it first generates the Prisma client.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const generatedClient = new URL("../../db/src/generated/prisma/client.ts", import.meta.url);
if (!existsSync(generatedClient)) {
  process.stderr.write("browserfleet: generating the Prisma client (first run, offline)…\n");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["run", "--silent", "db:generate"], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) {
    process.stderr.write("browserfleet: `npm run db:generate` failed; run it by hand to see why.\n");
    process.exit(1);
  }
}

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
