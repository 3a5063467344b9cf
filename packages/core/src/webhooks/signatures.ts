import { createHmac, randomBytes } from "node:crypto";

export const SIGNING_SECRET_PREFIX = "whsec_";
export const AGENTS_SIGNATURE_HEADER = "x-agents-signature";
/** The previous secret's X-Agents-Signature while a rotated-out secret is still valid (24 h). */
export const AGENTS_PREVIOUS_SIGNATURE_HEADER = "x-agents-signature-previous";

export function newSigningSecret(): string {
  return `${SIGNING_SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

/** The reference's scheme: hex HMAC-SHA256 of the raw body keyed by the whole secret string. */
export function agentsSignature(secret: string, rawBody: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("hex");
}

/** Standard Webhooks `v1,<base64>` over `id.timestamp.body`, keyed by the base64 bytes after `whsec_`. */
export function standardSignature(secret: string, eventId: string, timestampSeconds: number, rawBody: string): string {
  const key = Buffer.from(secret.startsWith(SIGNING_SECRET_PREFIX) ? secret.slice(SIGNING_SECRET_PREFIX.length) : secret, "base64");
  const mac = createHmac("sha256", key).update(`${eventId}.${timestampSeconds}.${rawBody}`, "utf8").digest("base64");
  return `v1,${mac}`;
}

/** Every header that authenticates one delivery attempt; `previousSecret` adds its signatures alongside. */
export function signatureHeaders(input: {
  secret: string;
  previousSecret?: string | null;
  eventId: string;
  timestampSeconds: number;
  rawBody: string;
}): Record<string, string> {
  const { secret, previousSecret, eventId, timestampSeconds, rawBody } = input;
  const standard = [standardSignature(secret, eventId, timestampSeconds, rawBody)];
  const headers: Record<string, string> = {
    [AGENTS_SIGNATURE_HEADER]: agentsSignature(secret, rawBody),
    "webhook-id": eventId,
    "webhook-timestamp": String(timestampSeconds),
  };
  if (previousSecret) {
    headers[AGENTS_PREVIOUS_SIGNATURE_HEADER] = agentsSignature(previousSecret, rawBody);
    standard.push(standardSignature(previousSecret, eventId, timestampSeconds, rawBody));
  }
  headers["webhook-signature"] = standard.join(" ");
  return headers;
}
