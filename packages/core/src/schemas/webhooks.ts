import { z } from "zod";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "./jobs.ts";

/** Every event type a webhook can subscribe to (api.md "Webhooks"; agent events arrive with agents). */
export const WEBHOOK_EVENT_TYPES = [
  "job.completed",
  "job.failed",
  "job.cancelled",
  "job.input_required",
  "webhook.test",
  "agent.provisioned",
  "agent.destroyed",
  "agent.failed",
  "agent.session.started",
  "agent.session.ended",
  "agent.renewed",
  "agent.renewal_failed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Endpoints per workspace: enough for any real fan-out, small enough that one event cannot explode. */
export const MAX_WEBHOOKS_PER_WORKSPACE = 50;
export const MAX_WEBHOOK_URL_LENGTH = 2048;

const webhookUrl = z
  .string()
  .trim()
  .min(1)
  .max(MAX_WEBHOOK_URL_LENGTH)
  // abort: zod runs every check even after one fails, and the checks below would throw on a non-URL (a 500).
  .refine((s) => URL.canParse(s), { message: "must be an absolute URL", abort: true })
  .refine((s) => ["http:", "https:"].includes(new URL(s).protocol), "must be an https (or, for allowed local hosts, http) URL")
  .refine((s) => {
    const u = new URL(s);
    return u.username === "" && u.password === "";
  }, "must not carry credentials (user:password@)");

const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((list) => [...new Set(list)]);

export const createWebhookBody = z.strictObject({
  url: webhookUrl,
  /** `[]` or absent: every event type. */
  events: events.default([]),
  description: z.string().trim().max(500).optional(),
});
export type CreateWebhookBody = z.infer<typeof createWebhookBody>;

/** PATCH: change the URL, filters or description, or re-enable an endpoint the dispatcher disabled. */
export const updateWebhookBody = z
  .strictObject({
    url: webhookUrl.optional(),
    events: events.optional(),
    description: z.string().trim().max(500).nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "send at least one of url, events, description, enabled");
export type UpdateWebhookBody = z.infer<typeof updateWebhookBody>;

const pageLimit = z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT);
const cursor = z.string().min(1).max(512).optional();

export const listWebhooksQuery = z.object({ limit: pageLimit, cursor });
export type ListWebhooksQuery = z.infer<typeof listWebhooksQuery>;
export const listDeliveriesQuery = z.object({ limit: pageLimit, cursor });
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuery>;

/** Answer shapes, for the OpenAPI document. */
export const webhookEndpointView = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  description: z.string().nullable(),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  created_at: z.string(),
});
export const webhookDeliveryView = z.object({
  id: z.uuid(),
  event_id: z.string(),
  event_type: z.string(),
  attempt: z.number().int(),
  status_code: z.number().int().nullable(),
  delivered_at: z.string(),
  duration_ms: z.number().int().nullable(),
  error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
});
export const signingSecretView = z.object({
  secret: z.string(),
  previous_secret_expires_at: z.string().nullable(),
});
export const webhookPingView = z.object({ event_id: z.string() });
