import { createHmac, timingSafeEqual } from "node:crypto";

export interface VerifyWebhookOptions {
  /** How far `webhook-timestamp` may be from now, in seconds (default 300): older or future deliveries are refused as replays. */
  toleranceSeconds?: number;
  /** "now" in ms (tests). */
  now?: number;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

const SECRET_PREFIX = "whsec_";

/**
 * True when a delivery is authentic: a Standard Webhooks signature (`webhook-signature: v1,<base64>`
 * over `id.timestamp.body`, keyed by the base64 bytes after `whsec_`) within the timestamp
 * tolerance, or — when no Standard headers came — the reference's `X-Agents-Signature` (hex HMAC of
 * the raw body keyed by the whole secret string; `X-Agents-Signature-Previous` while a rotated-out
 * secret still signs). Verify the raw bytes as received, before any JSON parsing.
 */
export function verifyWebhook(rawBody: string | Uint8Array, headers: HeaderBag, secret: string, options: VerifyWebhookOptions = {}): boolean {
  const body = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : Buffer.from(rawBody);
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (id !== null || timestamp !== null || signatures !== null) {
    if (id === null || timestamp === null || signatures === null || !/^\d{1,12}$/.test(timestamp)) return false;
    const now = options.now ?? Date.now();
    if (Math.abs(now / 1000 - Number(timestamp)) > (options.toleranceSeconds ?? 300)) return false;
    const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
    const expected = createHmac("sha256", key).update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`, "utf8"), body])).digest();
    return signatures.split(" ").some((entry) => {
      const [version, mac] = entry.split(",", 2);
      return version === "v1" && mac !== undefined && equal(Buffer.from(mac, "base64"), expected);
    });
  }
  const expected = createHmac("sha256", secret).update(body).digest();
  return [header(headers, "x-agents-signature"), header(headers, "x-agents-signature-previous")].some(
    (hex) => hex !== null && /^[0-9a-f]{64}$/i.test(hex) && equal(Buffer.from(hex, "hex"), expected),
  );
}

function header(headers: HeaderBag, name: string): string | null {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
