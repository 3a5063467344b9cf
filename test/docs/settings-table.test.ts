import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { envSchema } from "@browserfleet/config";
import { describe, expect, it } from "vitest";

// The settings table of docs/operations.md is what operators read: it must name every variable the
// processes read (packages/config's schema) and nothing they do not.
const scriptsDir = fileURLToPath(new URL("../../scripts", import.meta.url));
const operations = readFileSync(fileURLToPath(new URL("../../docs/operations.md", import.meta.url)), "utf8");

function documentedSettings(): Set<string> {
  const section = operations.split(/^## Configuration$/m)[1]?.split(/^## /m)[0];
  if (section === undefined) throw new Error("docs/operations.md has no '## Configuration' section");
  const names = new Set<string>();
  for (const line of section.split("\n")) {
    const firstCell = /^\|([^|]*)\|/.exec(line)?.[1];
    if (firstCell === undefined) continue;
    for (const [, name] of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(name!);
  }
  return names;
}

describe("docs/operations.md settings table", () => {
  const documented = documentedSettings();
  const read = new Set(Object.keys(envSchema.shape));

  it("documents every setting the processes read", () => {
    expect([...read].filter((name) => !documented.has(name)).sort()).toEqual([]);
  });

  it("documents no setting nobody reads (the launchers in scripts/ read a few of their own)", () => {
    const launchers = readdirSync(scriptsDir, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".mjs"))
      .map((file) => readFileSync(join(scriptsDir, file), "utf8"))
      .join("\n");
    expect([...documented].filter((name) => !read.has(name) && !launchers.includes(`env.${name}`)).sort()).toEqual([]);
  });
});
