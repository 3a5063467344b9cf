import { z } from "zod";
import { autoBody, createTaskBody, respondBody, taskStepView, taskStepsQuery } from "../schemas/tasks.ts";
import { jobEnvelopeSchema } from "./job-schemas.ts";
import type { RouteDoc } from "./route-doc.ts";

const id = { id: "job id (UUID)" };

/** The 202 of a task: its envelope, `result: null`, and the burner's live view (a fresh view token, so only in this answer). */
export const submittedTaskSchema = jobEnvelopeSchema.extend({
  live_url: z.string().describe("the live view of the task's browser (view-only; shows it once it runs)"),
});

export const autoScrapeAnswer = z.object({
  routed_via: z.literal("scrape"),
  routing_reason: z.string(),
  url: z.string(),
  final_url: z.string().nullable(),
  http_status: z.number().int().nullable(),
  title: z.string().nullable(),
  html: z.string().nullable(),
  text: z.string().nullable(),
  agent_id: z.null(),
  trust_score: z.null(),
  cost_credits: z.number().int().min(0),
  duration_ms: z.number().int().nullable(),
  job_id: z.uuid(),
});
export const autoTaskAnswer = submittedTaskSchema.extend({ routed_via: z.literal("task"), routing_reason: z.string() });

export const stepsPage = z.object({ items: z.array(taskStepView), next_cursor: z.string().nullable() });

/** /v1/tasks, /v1/auto, and a task's steps and answers. */
export const taskRouteDocs: RouteDoc[] = [
  {
    method: "post",
    path: "/v1/tasks",
    operationId: "createTask",
    summary: "Run a natural-language task with an LLM agent loop in a burner agent (bring your own key)",
    description:
      "The key is used for this job only: kept encrypted in Redis for the job's life, never written to Postgres, logs, errors or webhooks. " +
      "max_steps task_step credits are reserved; each step taken is charged, the rest released at the end. The burner counts against max_agents.",
    tag: "tasks",
    auth: true,
    body: createTaskBody,
    idempotent: true,
    responses: { 202: { description: "the task's job envelope, with agent_id and live_url", schema: submittedTaskSchema } },
    errors: ["INSUFFICIENT_CREDIT", "URL_NOT_ALLOWED", "TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE"],
  },
  {
    method: "post",
    path: "/v1/auto",
    operationId: "autoRoute",
    summary: "The smart router: a sync scrape when the task only fetches one URL, else an AI task",
    description: "One URL, a fetch verb and no interactive verb → a sync scrape (200, no LLM call, no key needed); otherwise POST /v1/tasks (202; llm_api_key required).",
    tag: "tasks",
    auth: true,
    body: autoBody,
    idempotent: true,
    responses: {
      200: { description: "routed to a scrape: the page", schema: autoScrapeAnswer },
      202: { description: "routed to a task: its job envelope", schema: autoTaskAnswer },
    },
    errors: ["INSUFFICIENT_CREDIT", "URL_NOT_ALLOWED", "TOO_MANY_REQUESTS", "UPSTREAM_UNAVAILABLE", "UPSTREAM_TIMEOUT", "SERVICE_UNAVAILABLE"],
  },
  {
    method: "get",
    path: "/v1/jobs/{id}/steps",
    operationId: "listTaskSteps",
    summary: "A task's steps in order: each tool call of the model, its arguments, the URL after it, what it did, tokens",
    tag: "tasks",
    auth: true,
    pathParams: id,
    query: taskStepsQuery,
    responses: { 200: { description: "one page of steps (empty for jobs that are not tasks)", schema: stepsPage } },
    errors: [],
  },
  {
    method: "post",
    path: "/v1/jobs/{id}/respond",
    operationId: "respondToJob",
    summary: "Answer a task waiting in input_required (its model's ask_user); it resumes on the same browser",
    tag: "tasks",
    auth: true,
    pathParams: id,
    body: respondBody,
    responses: { 200: { description: "the job, running again", schema: jobEnvelopeSchema } },
    errors: ["JOB_NOT_WAITING"],
  },
];
