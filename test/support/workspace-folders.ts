import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./app-process.ts";

/** The workspace folders npm knows (root package.json's workspaces globs, e.g. packages/*), relative to the repo, with "/". */
export function workspaceFolders(): string[] {
  const globs = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { workspaces: string[] }).workspaces;
  return globs.flatMap((glob) => {
    const parent = glob.replace(/\/\*$/, "");
    return readdirSync(join(repoRoot, parent))
      .map((name) => `${parent}/${name}`)
      .filter((folder) => existsSync(join(repoRoot, folder, "package.json")));
  });
}
