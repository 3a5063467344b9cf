import { randomBytes } from "node:crypto";
import type { WebhookEvent } from "@browserfleet/core";
import type { Prisma, Tx } from "../client.ts";

export function newEventId(): string {
  return `evt_${randomBytes(12).toString("hex")}`;
}

export type WriteOutboxEventInput = WebhookEvent & {
  workspaceId: string;
  /** Set for an event addressed to chosen endpoints only, whose tasks the caller writes itself (webhook.test). */
  fannedOutAt?: Date;
};

/**
 * The one writer of outbox rows, inside the caller's transaction (the event commits with the
 * state change it announces); the dispatcher fans it out to webhook endpoints. Returns the event id.
 */
export async function writeOutboxEvent(tx: Tx, input: WriteOutboxEventInput): Promise<string> {
  const id = newEventId();
  await tx.outboxEvent.create({
    data: {
      id,
      workspaceId: input.workspaceId,
      type: input.type,
      data: input.data as Prisma.InputJsonObject,
      ...(input.fannedOutAt !== undefined ? { fannedOutAt: input.fannedOutAt } : {}),
    },
  });
  return id;
}
