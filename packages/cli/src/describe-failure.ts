import { ConfigError } from "@browserfleet/config";
import { isApiError } from "@browserfleet/core";
import { MigrationError, redactUrl } from "@browserfleet/db";
import { UsageError } from "./usage-error.ts";

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "57P03"]);
const BAD_CREDENTIALS = new Set(["28P01", "28000"]);

function errorCodes(err: unknown): string[] {
  const e = err as { code?: unknown; errors?: unknown[]; cause?: unknown } | null;
  if (!e || typeof e !== "object") return [];
  // Node reports a refused dual-stack connect as an AggregateError of per-address errors.
  const nested = [...(Array.isArray(e.errors) ? e.errors : []), ...(e.cause ? [e.cause] : [])].flatMap(errorCodes);
  return typeof e.code === "string" ? [e.code, ...nested] : nested;
}

/** One readable message and an exit code for anything a command can throw (2 = fix your arguments). */
export function describeFailure(err: unknown, databaseUrl: string | undefined): { message: string; exitCode: number } {
  if (err instanceof UsageError) return { message: `${err.message}\nrun \`browserfleet --help\` for usage`, exitCode: 2 };
  if (isApiError(err)) return { message: err.message, exitCode: err.status === 400 ? 2 : 1 };
  if (err instanceof ConfigError || err instanceof MigrationError) return { message: err.message, exitCode: 1 };
  const codes = errorCodes(err);
  const where = databaseUrl ? redactUrl(databaseUrl) : "DATABASE_URL";
  if (codes.some((c) => UNREACHABLE.has(c))) {
    return {
      message:
        `cannot reach Postgres at ${where} (${codes[0]}).\n` +
        "Start it with:  docker compose up -d postgres redis\n" +
        "or point DATABASE_URL at a running server.",
      exitCode: 1,
    };
  }
  if (codes.some((c) => BAD_CREDENTIALS.has(c))) {
    return { message: `Postgres at ${where} refused the credentials in DATABASE_URL.`, exitCode: 1 };
  }
  return { message: err instanceof Error ? err.message : String(err), exitCode: 1 };
}
