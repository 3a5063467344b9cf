const DOWN_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "P1001", "P1002", "P1017", "P2024"]);
const DOWN_MESSAGES = /Connection is closed|MaxRetriesPerRequest|Can't reach database|ECONNREFUSED|connection terminated|Stream isn't writeable|timeout exceeded when trying to connect/i;

/** True when an error means Postgres or Redis is unreachable (answer 503, not 500). */
export function isDependencyDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && DOWN_CODES.has(code)) return true;
  if (err.name === "PrismaClientInitializationError" || err.name === "MaxRetriesPerRequestError") return true;
  const cause = (err as { cause?: unknown }).cause;
  return DOWN_MESSAGES.test(err.message) || (cause !== undefined && cause !== err && isDependencyDown(cause));
}
