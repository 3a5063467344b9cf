// Builds the published package (ESM JavaScript and declarations in dist/). It imports
// @browserfleet/sdk as a user's install does, through the SDK's built dist, so that is built first.
import { spawnSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const here = join(import.meta.dirname, "..");
const root = join(here, "..", "..");
const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
const run = (args) => {
  const result = spawnSync(process.execPath, args, { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run([join(root, "packages", "sdk", "scripts", "build.mjs")]);
rmSync(join(here, "dist"), { recursive: true, force: true });
run([tsc, "-p", join(here, "tsconfig.build.json")]);
chmodSync(join(here, "dist", "bin.js"), 0o755);
console.log("built dist/");
