/** The body every delivery POSTs; built the same way for every attempt so the signature is stable. */
export interface WebhookEnvelope {
  id: string;
  type: string;
  created_at: string;
  workspace_id: string;
  data: unknown;
}

export function serializeEnvelope(event: { id: string; type: string; createdAt: Date; workspaceId: string; data: unknown }): string {
  const envelope: WebhookEnvelope = {
    id: event.id,
    type: event.type,
    created_at: event.createdAt.toISOString(),
    workspace_id: event.workspaceId,
    data: event.data,
  };
  return JSON.stringify(envelope);
}
