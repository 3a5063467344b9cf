import { createHash } from "node:crypto";

export interface IdempotentRequest {
  method: string;
  /** The request target as sent: path and query. */
  target: string;
  /** The body's raw bytes as received (empty when there was none). */
  body: Uint8Array;
}

/**
 * sha256 of method, target and the raw body bytes: a retry must resend the same bytes, so
 * re-serialising the same JSON with another key order counts as a different request.
 */
export function hashIdempotentRequest(request: IdempotentRequest): string {
  // JSON quoting keeps the header part unambiguous: no byte can move between target and body.
  const head = `${JSON.stringify([request.method.toUpperCase(), request.target])}\n`;
  return createHash("sha256").update(head, "utf8").update(request.body).digest("hex");
}
