// Socket errors, and Prisma's codes for an unreachable server (P1001), timed-out operation (P1008),
// closed connection (P1017), pool timeout (P2024) and too many connections (P2037).
const DOWN_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
// Postgres refusing work while it stops or starts (admin_shutdown, cannot_connect_now, crash_shutdown, too_many_connections).
const DOWN_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
const DOWN_MESSAGES = new RegExp(
  [
    // ioredis: a closed or offline connection, a command that outlived commandTimeout
    "Connection is closed",
    "MaxRetriesPerRequest",
    "Stream isn't writeable",
    "Command timed out",
    // pg and Prisma: server unreachable, connection dropped, no connection within the connect timeout
    "Can't reach database",
    "ECONNREFUSED",
    "connection terminated",
    "Server has closed the connection",
    "timeout exceeded when trying to connect",
    "Query read timeout",
    "terminating connection due to administrator command",
    "the database system is (starting up|shutting down|in recovery mode)",
    // Prisma: no pooled connection came free for a transaction within maxWait
    "Unable to start a transaction in the given time",
  ].join("|"),
  "i",
);

/** True when an error means Postgres or Redis is unreachable (answer 503, not 500). */
export function isDependencyDown(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 5) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (DOWN_CODES.has(code) || DOWN_SQLSTATES.has(code))) return true;
  if (err.name === "PrismaClientInitializationError" || err.name === "MaxRetriesPerRequestError") return true;
  if (DOWN_MESSAGES.test(err.message)) return true;
  // AggregateError (a dual-stack connect) carries the socket errors in `errors`.
  const errors = (err as { errors?: unknown }).errors;
  const inner = [(err as { cause?: unknown }).cause, ...(Array.isArray(errors) ? errors : [])];
  return inner.some((e) => e !== err && isDependencyDown(e, depth + 1));
}
