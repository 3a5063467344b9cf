import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./usage-error.ts";

export type Command =
  | { kind: "help" }
  | { kind: "migrate" }
  | { kind: "workspace-create"; name: string; json: boolean }
  | {
      kind: "workspace-set";
      workspaceId: string;
      maxConcurrency?: number;
      maxAgents?: number;
      requestsPerMinute?: number;
      submissionsPerSecond?: number;
    }
  | { kind: "key-create"; workspaceId: string; name: string; json: boolean }
  | { kind: "credits-grant"; workspaceId: string; amount: number; reason: string; json: boolean };

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | undefined>;

function parseRest(args: string[], options: Options, positionalCount: number): { values: Values; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (err) {
    // parseArgs already phrases these well ("Unknown option '--nmae'").
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.positionals.length !== positionalCount) {
    const extra = parsed.positionals.slice(positionalCount).join(" ");
    throw new UsageError(extra ? `unexpected argument: ${extra}` : "missing argument");
  }
  return { values: parsed.values as Values, positionals: parsed.positionals };
}

function required(values: Values, flag: string): string {
  const value = values[flag];
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`--${flag} is required`);
  return value;
}

function optionalInteger(values: Values, flag: string): number | undefined {
  return values[flag] === undefined ? undefined : integer(values, flag);
}

function integer(values: Values, flag: string): number {
  const raw = required(values, flag);
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${flag} must be an integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** argv (without node and script) → one command, or a UsageError saying what is wrong. */
export function parseCommand(argv: string[]): Command {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h") || argv[0] === "help") return { kind: "help" };
  if (argv[0] === "migrate") {
    parseRest(argv.slice(1), {}, 0);
    return { kind: "migrate" };
  }
  const [group, action, ...rest] = argv;
  const json = { type: "boolean" } as const;
  const str = { type: "string" } as const;
  switch (`${group} ${action ?? ""}`.trim()) {
    case "workspace create": {
      const { values } = parseRest(rest, { name: str, json }, 0);
      return { kind: "workspace-create", name: required(values, "name"), json: values.json === true };
    }
    case "workspace set": {
      const { values, positionals } = parseRest(
        rest,
        { "max-concurrency": str, "max-agents": str, "requests-per-minute": str, "submissions-per-second": str },
        1,
      );
      const settings = {
        maxConcurrency: optionalInteger(values, "max-concurrency"),
        maxAgents: optionalInteger(values, "max-agents"),
        requestsPerMinute: optionalInteger(values, "requests-per-minute"),
        submissionsPerSecond: optionalInteger(values, "submissions-per-second"),
      };
      if (Object.values(settings).every((v) => v === undefined)) {
        throw new UsageError("give at least one of --max-concurrency, --max-agents, --requests-per-minute, --submissions-per-second");
      }
      return { kind: "workspace-set", workspaceId: positionals[0] ?? "", ...settings };
    }
    case "key create": {
      const { values } = parseRest(rest, { workspace: str, name: str, json }, 0);
      const name = typeof values.name === "string" ? values.name : "cli";
      return { kind: "key-create", workspaceId: required(values, "workspace"), name, json: values.json === true };
    }
    case "credits grant": {
      const { values } = parseRest(rest, { workspace: str, amount: str, reason: str, json }, 0);
      const reason = typeof values.reason === "string" && values.reason.trim() ? values.reason.trim() : "grant";
      return {
        kind: "credits-grant",
        workspaceId: required(values, "workspace"),
        amount: integer(values, "amount"),
        reason,
        json: values.json === true,
      };
    }
    default:
      throw new UsageError(`unknown command: ${argv.slice(0, 2).join(" ")}`);
  }
}
