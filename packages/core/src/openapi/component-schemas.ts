import type { z } from "zod";
import { agentDetectionSignalView, agentFingerprintView, agentTrustView, detectionCheckView, detectionSignalView } from "../schemas/agent-identity.ts";
import { agentPreviewTokenView, agentScreenshotBody, agentScreenshotView } from "../schemas/agent-live.ts";
import {
  agentCdpView,
  agentListView,
  agentSessionListView,
  agentSessionView,
  agentView,
  createAgentBody,
  createAgentSessionBody,
} from "../schemas/agents.ts";
import { createdKeyView, createKeyBody, keyListView, keyView } from "../schemas/keys.ts";
import { quickBatchBody, quickCrawlBody, quickExtractBody, quickScrapeBody, quickScreenshotBody } from "../schemas/quick.ts";
import { autoBody, createTaskBody, respondBody, taskStepView } from "../schemas/tasks.ts";
import { usageView } from "../schemas/usage.ts";
import {
  createWebhookBody,
  signingSecretView,
  updateWebhookBody,
  webhookDeliveryView,
  webhookEndpointView,
  webhookPingView,
} from "../schemas/webhooks.ts";
import { devToolsTargets, devToolsVersion } from "./agent-route-docs.ts";
import { creditsViewSchema, errorEnvelopeSchema, healthSchema, ledgerEntrySchema, ledgerPageSchema, readinessSchema } from "./common-schemas.ts";
import {
  jobEnvelopeSchema,
  jobListSchema,
  jobStatusSchema,
  resultItemSchema,
  resultPageSchema,
  syncExtractResultSchema,
  syncPageResultSchema,
} from "./job-schemas.ts";
import { autoScrapeAnswer, autoTaskAnswer, stepsPage, submittedTaskSchema } from "./task-route-docs.ts";
import { deliveryPage, endpointPage } from "./webhook-route-docs.ts";

/**
 * The names of the document's components: each zod schema here is written once under its name and every use
 * of it (a request body, an answer, a field of another component) is a `$ref` to it, so generated clients get
 * one named type per shape. A route's body becomes `components/requestBodies/<name>`, written as the API
 * accepts it (zod's input: a field with a default is optional); everything else `components/schemas/<name>`,
 * answers as the API writes them (zod's output). A name is part of the published contract: generated clients
 * call their types by it, so rename one only as a breaking change. Every route's body and answers must be
 * here (test: packages/core/test/openapi-components.test.ts); a schema used in two places should be too.
 */
export const REQUEST_COMPONENT_NAMES: ReadonlyMap<z.ZodType, string> = new Map<z.ZodType, string>([
  [quickScrapeBody, "QuickScrapeBody"],
  [quickScrapeBody.shape.wait_until.unwrap(), "WaitUntil"],
  [quickScreenshotBody, "QuickScreenshotBody"],
  [quickExtractBody, "QuickExtractBody"],
  [quickBatchBody, "QuickBatchBody"],
  [quickCrawlBody, "QuickCrawlBody"],
  [createTaskBody, "CreateTaskBody"],
  [autoBody, "AutoBody"],
  [respondBody, "RespondBody"],
  [createKeyBody, "CreateKeyBody"],
  [createWebhookBody, "CreateWebhookBody"],
  [updateWebhookBody, "UpdateWebhookBody"],
  [createAgentBody, "CreateAgentBody"],
  [createAgentSessionBody, "CreateAgentSessionBody"],
  [agentScreenshotBody, "AgentScreenshotBody"],
]);

/** See REQUEST_COMPONENT_NAMES; list pages are `…Page` (`{items, next_cursor}`), their items named too. */
export const RESPONSE_COMPONENT_NAMES: ReadonlyMap<z.ZodType, string> = new Map<z.ZodType, string>([
  // every non-2xx answer
  [errorEnvelopeSchema, "ErrorEnvelope"],
  [errorEnvelopeSchema.shape.code, "ErrorCode"],
  [errorEnvelopeSchema.shape.details.unwrap().element, "ErrorDetail"],
  // jobs and their results
  [jobEnvelopeSchema, "JobEnvelope"],
  [jobEnvelopeSchema.shape.kind, "JobKind"],
  [jobEnvelopeSchema.shape.status, "JobState"],
  [jobStatusSchema, "JobStatus"],
  [jobListSchema, "JobPage"],
  [jobListSchema.shape.items.element, "JobSummary"],
  [resultItemSchema, "ResultItem"],
  [resultItemSchema.shape.status, "ItemStatus"],
  [resultItemSchema.shape.error_code.unwrap(), "ItemErrorCode"],
  [resultItemSchema.shape.truncated.element, "ScrapeFormat"],
  [resultPageSchema, "ResultPage"],
  [syncPageResultSchema, "PageResult"],
  [syncExtractResultSchema, "ExtractResult"],
  // tasks and the smart router
  [submittedTaskSchema, "SubmittedTask"],
  [autoScrapeAnswer, "AutoScrapeResult"],
  [autoTaskAnswer, "AutoTaskResult"],
  [taskStepView, "TaskStep"],
  [stepsPage, "TaskStepPage"],
  // credits and usage
  [creditsViewSchema, "Credits"],
  [ledgerEntrySchema, "LedgerEntry"],
  [ledgerPageSchema, "LedgerPage"],
  [usageView, "Usage"],
  [usageView.shape.items.element, "UsageDay"],
  // keys
  [createdKeyView, "CreatedKey"],
  [keyView, "Key"],
  [keyListView, "KeyPage"],
  // webhooks
  [webhookEndpointView, "Webhook"],
  [endpointPage, "WebhookPage"],
  [webhookDeliveryView, "WebhookDelivery"],
  [deliveryPage, "WebhookDeliveryPage"],
  [signingSecretView, "SigningSecret"],
  [webhookPingView, "WebhookPing"],
  // agents, their sessions, identity and live view
  [agentView, "Agent"],
  [agentListView, "AgentPage"],
  [agentCdpView, "AgentCdp"],
  [agentSessionView, "AgentSession"],
  [agentSessionListView, "AgentSessionPage"],
  [agentFingerprintView, "AgentFingerprint"],
  [detectionCheckView, "DetectionCheck"],
  [detectionSignalView, "DetectionSignal"],
  [agentDetectionSignalView, "AgentDetectionSignal"],
  [agentTrustView, "AgentTrust"],
  [agentTrustView.shape.inputs.element, "TrustInput"],
  [agentPreviewTokenView, "AgentPreviewToken"],
  [agentScreenshotView, "AgentScreenshot"],
  [devToolsVersion, "DevToolsVersion"],
  [devToolsTargets.element, "DevToolsTarget"],
  [devToolsTargets, "DevToolsTargetList"],
  // operations
  [healthSchema, "Health"],
  [readinessSchema, "Readiness"],
]);
