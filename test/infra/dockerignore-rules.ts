import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./dockerfile-stages.ts";

// .dockerignore as Docker reads it: patterns relative to the context root, `*` within one path
// segment, `**` across any number, `!` re-includes, the last matching line wins, and a pattern that
// matches a folder excludes everything below it.

interface Rule {
  exclude: boolean;
  pattern: RegExp;
}

function toRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      // "**/" matches zero or more folders; a trailing "**" anything.
      source += pattern[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += pattern[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i);
      source += pattern.slice(i, end + 1);
      i = end;
    } else source += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

export function readDockerignore(): Rule[] {
  return readFileSync(join(repoRoot, ".dockerignore"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const exclude = !line.startsWith("!");
      const pattern = (exclude ? line : line.slice(1)).replace(/^\/+/, "").replace(/\/+$/, "");
      return { exclude, pattern: toRegExp(pattern) };
    });
}

/** Whether `path` (relative to the context root) stays out of the build context. */
export function isIgnored(rules: Rule[], path: string): boolean {
  const segments = path.split("/");
  const selfAndParents = segments.map((_, i) => segments.slice(0, i + 1).join("/"));
  let ignored = false;
  for (const rule of rules) {
    if (selfAndParents.some((p) => rule.pattern.test(p))) ignored = rule.exclude;
  }
  return ignored;
}
