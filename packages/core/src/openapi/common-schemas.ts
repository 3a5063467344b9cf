import { z } from "zod";
import { ERROR_STATUS } from "../errors/error-codes.ts";

const iso = z.iso.datetime();

/** Every non-2xx body: one envelope, with a `details` list for validation failures. */
export const errorEnvelopeSchema = z.object({
  error: z.string().describe("human-readable message"),
  code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
  request_id: z.string().describe("also sent as X-Request-Id and in every log line of the request"),
  details: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe("every failing field (400 BAD_REQUEST)"),
  job_id: z.uuid().optional().describe("the job to poll: every failed sync quick call whose job exists carries it (409, 422, 502, 503, 504)"),
});

export const creditsViewSchema = z.object({
  balance: z.number().int().min(0),
  currency: z.literal("credits"),
  prices: z.record(z.string(), z.number().int()).describe("credits per unit of work: page, screenshot, extract, …"),
});

export const ledgerEntrySchema = z.object({
  id: z.string(),
  created_at: iso,
  delta: z.number().int(),
  balance_after: z.number().int().min(0),
  reason: z.string(),
  job_id: z.uuid().nullable(),
  agent_id: z.string().nullable(),
});

export const ledgerPageSchema = z.object({ items: z.array(ledgerEntrySchema), next_cursor: z.string().nullable() });

export const healthSchema = z.object({ status: z.literal("ok") });

export const readinessSchema = z.object({
  status: z.enum(["ready", "not_ready"]),
  checks: z.record(z.string(), z.string()).describe('"ok" or why the dependency failed'),
});
