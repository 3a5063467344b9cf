import type { Db } from "../client.ts";

/** Drops an in-flight claim whose answer is not kept (5xx, 429), so a retry with the key runs afresh. */
export async function releaseIdempotencyKey(prisma: Db, token: string): Promise<void> {
  await prisma.idempotencyKey.deleteMany({ where: { id: token, state: "in_flight" } });
}
