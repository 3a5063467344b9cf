import type { SigningSecretState, WebhookDelivery, WebhookEndpoint } from "@browserfleet/db";

export function webhookView(e: WebhookEndpoint) {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    enabled: e.enabled,
    disabled_reason: e.disabledReason,
    created_at: e.createdAt.toISOString(),
  };
}

export function deliveryView(d: WebhookDelivery) {
  return {
    id: d.id,
    event_id: d.eventId,
    event_type: d.eventType,
    attempt: d.attempt,
    status_code: d.statusCode,
    delivered_at: d.deliveredAt.toISOString(),
    duration_ms: d.durationMs,
    error: d.error,
    next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
  };
}

export function signingSecretView(s: SigningSecretState) {
  return { secret: s.secret, previous_secret_expires_at: s.previousSecretExpiresAt?.toISOString() ?? null };
}
