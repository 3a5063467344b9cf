import { createHash, timingSafeEqual } from "node:crypto";

/** The header API → worker (and worker → worker) requests carry; a worker answers nothing without it. */
export const FLEET_SECRET_HEADER = "x-browserfleet-fleet-secret";

/** Constant-time comparison (of digests, so the lengths never leak either). */
export function isFleetSecret(presented: string | string[] | undefined, secret: string): boolean {
  if (typeof presented !== "string" || presented.length === 0) return false;
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(secret).digest();
  return timingSafeEqual(a, b);
}
