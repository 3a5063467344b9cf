import type { Db } from "../client.ts";
import { isReferencedResponse, type KeptResponse } from "./stored-response.ts";

export interface CompleteIdempotencyKeyInput {
  token: string;
  response: KeptResponse;
  /** Kept this long from now: the contract's 24 h run from the stored answer. */
  ttlSeconds: number;
}

/**
 * Stores the answer on the claim it belongs to. False when the claim is gone (its lease ran out
 * and another request took the key over): that request's answer is the one that counts.
 */
export async function completeIdempotencyKey(prisma: Db, input: CompleteIdempotencyKeyInput): Promise<boolean> {
  const { status, headers } = input.response;
  const ref = isReferencedResponse(input.response) ? input.response : null;
  const body = ref === null ? (input.response as { body: Uint8Array }).body : null;
  const updated = await prisma.$executeRaw`
    UPDATE idempotency_keys
    SET state = 'completed', response_status = ${status}::int, response_headers = ${JSON.stringify(headers)}::jsonb,
        response_body = ${body === null ? null : Buffer.from(body.buffer, body.byteOffset, body.byteLength)},
        response_job_id = ${ref?.jobId ?? null}::uuid, response_sha256 = ${ref?.sha256 ?? null}, locked_until = NULL,
        expires_at = now() + ${input.ttlSeconds}::int * interval '1 second'
    WHERE id = ${input.token}::uuid AND state = 'in_flight'`;
  return updated === 1;
}
