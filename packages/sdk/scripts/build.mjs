// Builds the published package: ESM and CommonJS JavaScript with their type declarations
// (dist/esm, dist/cjs), each folder marked with its module type so Node and TypeScript read it right.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const here = join(import.meta.dirname, "..");
const tsc = createRequire(join(here, "..", "..", "package.json")).resolve("typescript/bin/tsc");
rmSync(join(here, "dist"), { recursive: true, force: true });
for (const [config, type] of [["tsconfig.build.json", "module"], ["tsconfig.cjs.json", "commonjs"]]) {
  const run = spawnSync(process.execPath, [tsc, "-p", join(here, config)], { stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
  writeFileSync(join(here, "dist", type === "module" ? "esm" : "cjs", "package.json"), `${JSON.stringify({ type }, null, 2)}\n`);
}
console.log("built dist/esm and dist/cjs");
