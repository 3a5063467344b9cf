import type { WebhookEventType } from "../schemas/webhooks.ts";

/** `data` of each webhook event the server emits today (api.md "Webhooks"); written to the outbox, delivered as is. */
export type JobCompletedEventData = {
  job_id: string;
  kind: string;
  progress_done: number;
  progress_total: number;
  credits_charged: number;
  /** The page for single-page kinds, a summary for batch and crawl; `result_url` either way. */
  result: Record<string, unknown>;
};

export type JobFailedEventData = {
  job_id: string;
  kind: string;
  error_code: string | null;
  error_message: string | null;
};

export type JobCancelledEventData = {
  job_id: string;
  kind: string;
  progress_done: number;
  progress_total: number;
  credits_charged: number;
};

/** A task's model asked the user (ask_user): POST /v1/jobs/{id}/respond answers it. */
export type JobInputRequiredEventData = {
  job_id: string;
  kind: string;
  question: string;
};

export type WebhookTestEventData = {
  message: string;
  webhook_id: string;
};

/** An agent's browser is running and its CDP URL works (tokens stay out of webhooks: /v1/agents/{id}/cdp mints them). */
export type AgentProvisionedEventData = {
  agent_id: string;
  mode: "burner" | "persistent";
  profile_id: string | null;
  session_id: string;
  trust_score: number | null;
  expires_at: string | null;
  cost_credits: number;
};

export type AgentDestroyedEventData = {
  agent_id: string;
  mode: "burner" | "persistent";
  destroyed_at: string;
  reason: string;
  cost_credits: number;
};

export type AgentFailedEventData = {
  agent_id: string;
  error_code: string;
  error_message: string;
};

export type AgentSessionStartedEventData = {
  agent_id: string;
  session_id: string;
  started_at: string;
  expires_at: string | null;
  cost_credits: number;
};

export type AgentSessionEndedEventData = {
  agent_id: string;
  session_id: string;
  ended_at: string;
  reason: string;
  /** Whether the profile was saved at this end (never for worker_lost, nor for a session ended by deleting its agent). */
  profile_saved: boolean;
};

export type AgentRenewedEventData = {
  agent_id: string;
  renewal_credits: number;
  next_renewal_at: string;
};

export type AgentRenewalFailedEventData = {
  agent_id: string;
  error_code: string;
  error_message: string;
};

export type WebhookEventPayloads = {
  "agent.session.started": AgentSessionStartedEventData;
  "agent.session.ended": AgentSessionEndedEventData;
  "agent.renewed": AgentRenewedEventData;
  "agent.renewal_failed": AgentRenewalFailedEventData;
  "agent.provisioned": AgentProvisionedEventData;
  "agent.destroyed": AgentDestroyedEventData;
  "agent.failed": AgentFailedEventData;
  "job.completed": JobCompletedEventData;
  "job.failed": JobFailedEventData;
  "job.cancelled": JobCancelledEventData;
  "job.input_required": JobInputRequiredEventData;
  "webhook.test": WebhookTestEventData;
};

/** Event types the server emits now (agent events are subscribable ahead of the agents work). */
export type EmittedWebhookEventType = keyof WebhookEventPayloads & WebhookEventType;

/** One event as written to the outbox: its type and the matching `data`. */
export type WebhookEvent = { [T in EmittedWebhookEventType]: { type: T; data: WebhookEventPayloads[T] } }[EmittedWebhookEventType];
