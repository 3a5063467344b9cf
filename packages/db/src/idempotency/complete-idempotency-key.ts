import type { Db } from "../jobs/db-types.ts";
import type { StoredResponse } from "./stored-response.ts";

export interface CompleteIdempotencyKeyInput {
  token: string;
  response: StoredResponse;
  /** Kept this long from now: the contract's 24 h run from the stored answer. */
  ttlSeconds: number;
}

/**
 * Stores the answer on the claim it belongs to. False when the claim is gone (its lease ran out
 * and another request took the key over): that request's answer is the one that counts.
 */
export async function completeIdempotencyKey(prisma: Db, input: CompleteIdempotencyKeyInput): Promise<boolean> {
  const { status, headers, body } = input.response;
  const updated = await prisma.$executeRaw`
    UPDATE idempotency_keys
    SET state = 'completed', response_status = ${status}::int, response_headers = ${JSON.stringify(headers)}::jsonb,
        response_body = ${Buffer.from(body.buffer, body.byteOffset, body.byteLength)}, locked_until = NULL,
        expires_at = now() + ${input.ttlSeconds}::int * interval '1 second'
    WHERE id = ${input.token}::uuid AND state = 'in_flight'`;
  return updated === 1;
}
