import { newSigningSecret } from "@browserfleet/core";
import type { Db } from "../client.ts";

export interface SigningSecretState {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

/** How long a rotated-out secret keeps signing alongside the new one. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 3_600_000;

function current(row: { signingSecret: string; previousSigningSecret: string | null; previousSecretExpiresAt: Date | null }, now: Date): SigningSecretState {
  const stillValid = row.previousSigningSecret !== null && row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now;
  return {
    secret: row.signingSecret,
    previousSecret: stillValid ? row.previousSigningSecret : null,
    previousSecretExpiresAt: stillValid ? row.previousSecretExpiresAt : null,
  };
}

export async function findSigningSecret(prisma: Db, workspaceId: string): Promise<SigningSecretState> {
  const row = await prisma.workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: { signingSecret: true, previousSigningSecret: true, previousSecretExpiresAt: true },
  });
  return current(row, new Date());
}

/** New secret now; the old one signs alongside it for 24 h so receivers can switch without losing a delivery. */
export async function rotateSigningSecret(prisma: Db, workspaceId: string): Promise<SigningSecretState> {
  const rows = await prisma.$queryRaw<{ signing_secret: string; previous_signing_secret: string; previous_secret_expires_at: Date }[]>`
    UPDATE workspaces
    SET previous_signing_secret = signing_secret,
        previous_secret_expires_at = now() + ${PREVIOUS_SECRET_GRACE_MS}::float8 * interval '1 millisecond',
        signing_secret = ${newSigningSecret()},
        updated_at = now()
    WHERE id = ${workspaceId}::uuid
    RETURNING signing_secret, previous_signing_secret, previous_secret_expires_at`;
  const row = rows[0]!;
  return { secret: row.signing_secret, previousSecret: row.previous_signing_secret, previousSecretExpiresAt: row.previous_secret_expires_at };
}
