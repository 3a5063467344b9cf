import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// A small reader of infra/Dockerfile for the infra tests: instructions grouped by stage (FROM … AS …),
// enough to check what each stage installs, copies and runs. Not a full Dockerfile parser: no
// heredocs, no parser directives beyond comments, no escape-character change.

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface Instruction {
  keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  args: string;
}

export interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

export interface Copy {
  /** The stage named by --from, or null for the build context. */
  from: string | null;
  sources: string[];
  destination: string;
}

export function readDockerfile(relativePath = "infra/Dockerfile"): Stage[] {
  return parseDockerfile(readFileSync(join(repoRoot, relativePath), "utf8"));
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const { keyword, args } of logicalLines(text)) {
    if (keyword === "FROM") {
      const [image = "", as, name] = args.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === "AS" && name !== undefined ? name : String(stages.length), instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (stage === undefined) throw new Error(`${keyword} before the first FROM`);
      stage.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** Instructions with comments and blank lines dropped and backslash continuations joined. */
function logicalLines(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && pending === "")) continue;
    const continued = line.endsWith("\\");
    pending += `${pending === "" ? "" : " "}${continued ? line.slice(0, -1).trim() : line}`;
    if (continued) continue;
    const match = /^(\S+)\s*(.*)$/.exec(pending);
    if (match !== null) out.push({ keyword: match[1]!.toUpperCase(), args: match[2]! });
    pending = "";
  }
  return out;
}

export function stageNamed(stages: Stage[], name: string): Stage {
  const stage = stages.find((s) => s.name === name);
  if (stage === undefined) throw new Error(`no stage ${name}`);
  return stage;
}

export function instructions(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
}

/** The exec form's array, or the shell form as ["/bin/sh", "-c", …] as Docker runs it. */
export function execForm(args: string): string[] {
  return args.trimStart().startsWith("[") ? (JSON.parse(args) as string[]) : ["/bin/sh", "-c", args];
}

export function copies(stage: Stage): Copy[] {
  return instructions(stage, "COPY").map((args) => {
    const words = args.split(/\s+/);
    const from = words.find((w) => w.startsWith("--from="))?.slice("--from=".length) ?? null;
    const paths = words.filter((w) => !w.startsWith("--"));
    return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? "" };
  });
}

/**
 * The build-context files that end up in a stage: its own context COPYs plus, for a COPY of a whole
 * earlier stage (`COPY --from=manifests /app/ ./`), that stage's. Paths are as written in the Dockerfile.
 */
export function contextFilesIn(stages: Stage[], stage: Stage): string[] {
  return copies(stage).flatMap((copy) => {
    if (copy.from === null) return copy.sources;
    const earlier = stages.find((s) => s.name === copy.from);
    const wholeStage = copy.sources.every((source) => ["/", "/app", "/app/"].includes(source));
    return earlier !== undefined && wholeStage ? contextFilesIn(stages, earlier) : [];
  });
}

/** The HEALTHCHECK's command as an exec array (without the CMD keyword and the options). */
export function healthcheckCommand(stage: Stage): string[] | null {
  const args = instructions(stage, "HEALTHCHECK").at(-1);
  if (args === undefined || /^NONE\b/i.test(args)) return null;
  const command = /(?:^|\s)CMD\s+(.*)$/s.exec(args)?.[1];
  return command === undefined ? null : execForm(command);
}
