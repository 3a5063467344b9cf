import { z } from "zod";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Client, JobEnvelope } from "@browserfleet/sdk";
import type { McpSettings } from "../settings.ts";
import { guarded, toolResult } from "../tool-result.ts";
import { DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS, stillRunning, waitBounded } from "./wait-bounded.ts";

const jobId = z.string().uuid().describe("the job's id (job_id of run_task, batch_scrape, crawl)");
const waitSeconds = (what: string) => z.number().int().min(0).max(MAX_WAIT_SECONDS).optional().describe(`how long to wait ${what} (default ${DEFAULT_WAIT_SECONDS})`);

/** What a model should know of a job in one line. */
function describeJob(job: JobEnvelope): string {
  const result = job.result as Record<string, unknown> | null | undefined;
  if (job.status === "input_required") return `job ${job.id} waits for your answer: ${String(result?.question ?? "")} — call respond_to_job`;
  if (job.status === "completed" && job.kind === "task") return `task ${job.id} completed in ${String(result?.steps_taken)} steps: ${JSON.stringify(result?.final_result)}`;
  if (job.status === "failed") return `job ${job.id} failed: ${job.error_code} ${job.error_message ?? ""}`;
  if (stillRunning(job)) return `job ${job.id} is still ${job.status}${job.kind === "task" ? ` (${String((job as { step_count?: number }).step_count ?? 0)} steps so far)` : ` (${job.progress_done}/${job.progress_total})`}; call get_job later`;
  return `job ${job.id} is ${job.status}`;
}

/** run_task, get_job, cancel_job, respond_to_job. */
export function registerJobTools(server: McpServer, client: Client, settings: McpSettings): void {
  server.registerTool(
    "run_task",
    {
      title: "Run a browser task with an AI agent",
      description:
        "Give a natural-language task; an LLM agent does it in a fresh browser (navigating, clicking, typing) and returns the final result. " +
        "Waits up to wait_seconds, then returns the job id to poll with get_job. If the agent asks a question, answer it with respond_to_job.",
      inputSchema: {
        task: z.string().min(1).max(10_000),
        initial_url: z.string().url().optional().describe("where the browser starts"),
        llm: z.string().optional().describe('"provider:model" (openai, anthropic, openai-compatible; default openai:gpt-4.1-mini)'),
        llm_api_key: z.string().optional().describe("the model provider's key (default: BROWSERFLEET_LLM_API_KEY of this server)"),
        llm_base_url: z.string().url().optional(),
        max_steps: z.number().int().min(1).max(100).optional(),
        output_schema: z.record(z.string(), z.unknown()).optional().describe("JSON Schema the final result must satisfy"),
        wait_seconds: waitSeconds("for the task to finish or ask"),
      },
    },
    ({ wait_seconds, llm_api_key, ...args }) =>
      guarded(async () => {
        const key = llm_api_key ?? settings.llmApiKey;
        if (!key) throw new Error("no llm_api_key given and BROWSERFLEET_LLM_API_KEY is not set on this MCP server");
        const submitted = await client.createTask({ ...args, llm_api_key: key } as never);
        const job = await waitBounded(client, submitted.id, wait_seconds ?? DEFAULT_WAIT_SECONDS, true);
        return toolResult(describeJob(job), { job_id: job.id, live_url: submitted.live_url, job });
      }),
  );

  server.registerTool(
    "get_job",
    {
      title: "Read a job",
      description: "A job's status and result (a task's final result, a batch's summary); optionally waits for it to finish first.",
      inputSchema: { job_id: jobId, wait_seconds: waitSeconds("for it to finish (0: answer at once)").default(0) },
    },
    ({ job_id, wait_seconds }) =>
      guarded(async () => {
        const job = await waitBounded(client, job_id, wait_seconds ?? 0, true);
        return toolResult(describeJob(job), { job });
      }),
  );

  server.registerTool(
    "cancel_job",
    { title: "Cancel a job", description: "Stop a running job; unfinished work is not charged.", inputSchema: { job_id: jobId } },
    ({ job_id }) => guarded(async () => toolResult(`job ${job_id} cancelled`, { job: await client.cancelJob(job_id) })),
  );

  server.registerTool(
    "respond_to_job",
    {
      title: "Answer a task's question",
      description: "Answer a task waiting in input_required (its agent asked you something); it goes on in the same browser.",
      inputSchema: { job_id: jobId, input: z.string().min(1).max(10_000), wait_seconds: waitSeconds("for the task to finish or ask again").default(0) },
    },
    ({ job_id, input, wait_seconds }) =>
      guarded(async () => {
        await client.respondToJob(job_id, input);
        const job = await waitBounded(client, job_id, wait_seconds ?? 0, true);
        return toolResult(describeJob(job), { job });
      }),
  );
}
