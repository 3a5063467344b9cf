/** Why a name has no answer: it does not exist, or it could not be looked up at all. */
export type DnsFailureKind = "not_found" | "timeout" | "failed";

/** What every lookup of the bounded resolver rejects with; `code` follows Node's dns codes. */
export class DnsLookupError extends Error {
  readonly kind: DnsFailureKind;
  readonly code: string;

  constructor(kind: DnsFailureKind, code: string, message: string) {
    super(message);
    this.name = "DnsLookupError";
    this.kind = kind;
    this.code = code;
  }
}

/** Codes of getaddrinfo and c-ares that mean the answer is unknown, not that the name is missing. */
const UNCHECKED_CODES = new Set(["ETIMEOUT", "ETIMEDOUT", "ECANCELLED", "EAI_AGAIN", "EAI_FAIL", "ESERVFAIL", "EREFUSED", "ECONNREFUSED", "EBADRESP", "EFORMERR", "ENOTIMP", "ECONNRESET"]);

/**
 * The reason a failed lookup leaves the host unchecked (a timeout, a failing nameserver), or null
 * when the name simply does not resolve, or the error says nothing either way (today's let-through).
 */
export function uncheckedReason(err: unknown): string | null {
  if (err instanceof DnsLookupError) return err.kind === "not_found" ? null : err.message;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !UNCHECKED_CODES.has(code)) return null;
  return code === "ETIMEOUT" || code === "ETIMEDOUT" || code === "EAI_AGAIN" ? "DNS lookup timed out" : `DNS lookup failed (${code})`;
}

export function dnsTimeout(detail = ""): DnsLookupError {
  return new DnsLookupError("timeout", "ETIMEOUT", `DNS lookup timed out${detail}`);
}
