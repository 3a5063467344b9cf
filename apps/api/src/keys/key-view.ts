import type { KeyView } from "@browserfleet/core";
import type { ApiKeySummary } from "@browserfleet/db";

/** A key as GET /v1/keys shows it; only an active key offers the revoke link. */
export function keyView(key: ApiKeySummary): KeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
    ...(key.revokedAt === null ? { _links: { revoke: { method: "DELETE" as const, href: `/v1/keys/${key.id}` } } } : {}),
  };
}
