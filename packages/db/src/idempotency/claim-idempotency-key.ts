import { randomUUID } from "node:crypto";
import type { IdempotencyKey, Db } from "../client.ts";
import type { IdempotencyRecord, KeptResponse } from "./stored-response.ts";

export interface ClaimIdempotencyKeyInput {
  workspaceId: string;
  key: string;
  method: string;
  path: string;
  requestHash: string;
  /** How long an in-flight claim holds the key before a dead request's claim may be taken over. */
  leaseMs: number;
  /** An in-flight row never expires before its lease ends, so the sweep cannot delete a live claim. */
  ttlSeconds: number;
}

/** Claimed: this request runs and must complete or release `token`. Otherwise the row already there. */
export type IdempotencyClaim = { claimed: true; token: string } | { claimed: false; existing: IdempotencyRecord };

// The sweep may delete the row between our insert and our read; a few tries settle it.
const ATTEMPTS = 3;

/**
 * One statement claims the key: insert, or take over a row that has expired or whose in-flight
 * lease ran out; Postgres's unique index makes concurrent duplicates wait and then see the winner.
 * Times come from the database's clock, so every API replica agrees on expiry.
 */
export async function claimIdempotencyKey(prisma: Db, input: ClaimIdempotencyKeyInput): Promise<IdempotencyClaim> {
  for (let attempt = 1; ; attempt++) {
    const token = randomUUID();
    const rows = await prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO idempotency_keys AS k (id, workspace_id, key, method, path, request_hash, state, locked_until, created_at, expires_at)
      VALUES (${token}::uuid, ${input.workspaceId}::uuid, ${input.key}, ${input.method}, ${input.path}, ${input.requestHash}, 'in_flight',
              now() + ${input.leaseMs}::int * interval '1 millisecond', now(),
              now() + GREATEST(${input.ttlSeconds}::int * interval '1 second', ${input.leaseMs}::int * interval '1 millisecond'))
      ON CONFLICT (workspace_id, key) DO UPDATE SET
        id = EXCLUDED.id, method = EXCLUDED.method, path = EXCLUDED.path, request_hash = EXCLUDED.request_hash,
        state = 'in_flight', response_status = NULL, response_headers = NULL, response_body = NULL, response_job_id = NULL, response_sha256 = NULL,
        locked_until = EXCLUDED.locked_until, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
      WHERE k.expires_at <= now() OR (k.state = 'in_flight' AND COALESCE(k.locked_until, k.created_at) <= now())
      RETURNING id`;
    if (rows.length > 0) return { claimed: true, token };
    const existing = await prisma.idempotencyKey.findUnique({ where: { workspaceId_key: { workspaceId: input.workspaceId, key: input.key } } });
    if (existing) {
      const response = keptResponse(existing);
      return {
        claimed: false,
        existing: { method: existing.method, path: existing.path, requestHash: existing.requestHash, state: response ? "completed" : "in_flight", response },
      };
    }
    if (attempt >= ATTEMPTS) throw new Error(`idempotency key could not be claimed or read after ${ATTEMPTS} attempts`);
  }
}

function keptResponse(row: IdempotencyKey): KeptResponse | null {
  if (row.state !== "completed" || row.responseStatus === null) return null;
  const headers = (row.responseHeaders ?? {}) as Record<string, string>;
  if (row.responseJobId !== null && row.responseSha256 !== null) return { status: row.responseStatus, headers, jobId: row.responseJobId, sha256: row.responseSha256 };
  return row.responseBody === null ? null : { status: row.responseStatus, headers, body: row.responseBody };
}
