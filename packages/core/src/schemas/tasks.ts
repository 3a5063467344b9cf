import { z } from "zod";
import { DEFAULT_OS_TYPE, OS_TYPES } from "../agents/agent-identity.ts";
import { countryField } from "./agents.ts";
import { MAX_JSON_DEPTH, isJsonDepthWithin } from "./json-depth.ts";
import { MAX_URL_LENGTH } from "./quick.ts";

/** api.md "AI tasks": providers of `llm: "provider:model"`. */
export const TASK_LLM_PROVIDERS = ["openai", "anthropic", "openai-compatible"] as const;
export const DEFAULT_TASK_LLM = "openai:gpt-4.1-mini";
export const MAX_OUTPUT_SCHEMA_BYTES = 16_384;

const httpUrl = (field: string) =>
  z
    .string()
    .min(1)
    .max(MAX_URL_LENGTH, `${field} must be at most ${MAX_URL_LENGTH} characters`)
    .refine((s) => URL.canParse(s), { message: `${field} must be an absolute URL`, abort: true })
    .refine((s) => ["http:", "https:"].includes(new URL(s).protocol), `${field} must be an http(s) URL`);

const llmSpec = z
  .string()
  .max(200)
  .regex(new RegExp(`^(${TASK_LLM_PROVIDERS.join("|")}):[^\\s]{1,150}$`), `llm must be "provider:model" with provider one of ${TASK_LLM_PROVIDERS.join(", ")}`);

const outputSchema = z
  .record(z.string(), z.unknown())
  .refine((s) => isJsonDepthWithin(s, MAX_JSON_DEPTH), { message: `output_schema nests deeper than ${MAX_JSON_DEPTH} levels`, abort: true })
  .refine((s) => Buffer.byteLength(JSON.stringify(s), "utf8") <= MAX_OUTPUT_SCHEMA_BYTES, `output_schema must be at most ${MAX_OUTPUT_SCHEMA_BYTES} bytes as JSON`);

/** The fields a task and an /v1/auto request share (everything but the key's requiredness). */
const taskFields = {
  task: z.string().min(1).max(10_000),
  llm: llmSpec.default(DEFAULT_TASK_LLM),
  llm_base_url: httpUrl("llm_base_url")
    .refine((s) => {
      const url = new URL(s);
      return url.search === "" && url.hash === "" && url.username === "" && url.password === "";
    }, "llm_base_url must be an origin, optionally with a path prefix (no query, fragment or credentials)")
    .optional(),
  max_steps: z.number().int().min(1).max(100).default(20),
  wallclock_seconds: z.number().int().min(10).max(3_600).default(900),
  initial_url: httpUrl("initial_url").optional(),
  os_type: z.enum(OS_TYPES).default(DEFAULT_OS_TYPE),
  country: countryField,
  output_schema: outputSchema.optional(),
};

/** The key is the caller's own (BYOK): used for this job only, never stored in Postgres. */
const llmApiKey = z.string().min(1).max(1_000);

/** POST /v1/tasks. */
export const createTaskBody = z.strictObject({ ...taskFields, llm_api_key: llmApiKey });
export type CreateTaskBody = z.output<typeof createTaskBody>;

/** POST /v1/auto: a task's fields, the key optional (the scrape route needs none). */
export const autoBody = z.strictObject({ ...taskFields, llm_api_key: llmApiKey.optional() });
export type AutoBody = z.output<typeof autoBody>;

/** What a task job keeps in `params` (jobs.params): the request without the key, which never reaches Postgres. */
export const taskJobParams = z.object({
  task: z.string(),
  llm: z.string(),
  llm_base_url: z.string().optional(),
  max_steps: z.number().int(),
  wallclock_seconds: z.number().int(),
  initial_url: z.string().optional(),
  os_type: z.enum(OS_TYPES),
  country: z.string(),
  output_schema: z.record(z.string(), z.unknown()).optional(),
});
export type TaskJobParams = z.infer<typeof taskJobParams>;

/** The stored params of a task request: every field but `llm_api_key`. */
export function taskParamsOf(body: CreateTaskBody | AutoBody): TaskJobParams {
  const { llm_api_key: _key, ...params } = body;
  return taskJobParams.parse(params);
}

/** POST /v1/jobs/{id}/respond. */
export const respondBody = z.strictObject({ input: z.string().min(1).max(10_000) });

/** GET /v1/jobs/{id}/steps: the cursor is the last step number of the previous page. */
export const taskStepsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^\d{1,9}$/, "cursor is not one this API issued").optional(),
});

/** One step of a task (GET /v1/jobs/{id}/steps). */
export const taskStepView = z.object({
  n: z.number().int(),
  action: z.string(),
  args: z.record(z.string(), z.unknown()).nullable(),
  url: z.string().nullable(),
  observation: z.string().nullable(),
  error: z.string().nullable(),
  started_at: z.iso.datetime(),
  duration_ms: z.number().int(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
});
export type TaskStepView = z.infer<typeof taskStepView>;
