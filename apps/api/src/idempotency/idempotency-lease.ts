import type { AppConfig } from "@browserfleet/config";

// Past the sync cap a request has answered (504 at worst); the margin covers the storing of that answer.
const LEASE_MARGIN_MS = 60_000;

/** How long an in-flight claim holds its key: set explicitly, or the sync cap plus a margin. */
export function idempotencyLeaseMs(config: Pick<AppConfig, "IDEMPOTENCY_LEASE_MS" | "SYNC_TIMEOUT_MS">): number {
  return config.IDEMPOTENCY_LEASE_MS ?? config.SYNC_TIMEOUT_MS + LEASE_MARGIN_MS;
}
