import { randomUUID } from "node:crypto";
import type { Request } from "express";
import { agentUrls, enqueueAgentSession } from "@browserfleet/agents";
import { ApiError, PRICES, mintAgentToken, taskParamsOf, type CreateTaskBody } from "@browserfleet/core";
import { createTaskJob, failAgentSession } from "@browserfleet/db";
import { compileOutputSchema } from "@browserfleet/tasks";
import type { ApiDeps } from "../deps.ts";
import { checkTargets } from "../submit/check-targets.ts";
import { submittedTaskEnvelope } from "./task-envelope.ts";

/** The burner outlives the wallclock by this much, so the worker's own TIMEOUT always comes before the browser's TTL end. */
const BURNER_TTL_MARGIN_SECONDS = 30;
/** The key outlives the task by this much in Redis at most (it is deleted when the task ends). */
const KEY_TTL_MARGIN_SECONDS = 120;

/**
 * POST /v1/tasks: the targets and the provider's URL SSRF-checked; the key sealed into the vault
 * under the job's id; then one transaction writes the burner (counted against max_agents), its
 * session and the job with its max_steps reservation (402 when the balance cannot cover it); the
 * session goes to the fleet, and the 202 answers at once with the agent and its live view.
 */
export async function submitTask(deps: ApiDeps, req: Request, body: CreateTaskBody): Promise<Record<string, unknown>> {
  const workspaceId = req.auth!.workspaceId;
  const vault = deps.taskKeys;
  if (vault === null) throw new ApiError("SERVICE_UNAVAILABLE", "AI tasks are not enabled on this server (TASK_KEY_SECRET is not set)", { retryAfter: 60 });
  if (body.output_schema !== undefined) {
    const compiled = compileOutputSchema(body.output_schema);
    if ("error" in compiled) throw new ApiError("BAD_REQUEST", "output_schema is not a JSON Schema this server can use", { details: [{ path: "output_schema", message: compiled.error }] });
  }
  if (body.initial_url !== undefined) await checkTargets(deps, [body.initial_url], "initial_url", workspaceId);
  if (body.llm_base_url !== undefined) await checkTargets(deps, [body.llm_base_url], "llm_base_url", workspaceId);

  const jobId = randomUUID();
  const params = taskParamsOf(body);
  const cdp = mintAgentToken();
  const view = mintAgentToken();
  await vault.put(jobId, body.llm_api_key, body.wallclock_seconds + KEY_TTL_MARGIN_SECONDS);
  let created: Awaited<ReturnType<typeof createTaskJob>>;
  try {
    created = await createTaskJob(deps.prisma, {
      jobId,
      workspaceId,
      params,
      reserve: body.max_steps * PRICES.task_step,
      // In agent time: AGENT_TTL_SCALE shortens agents in tests, never a task's own wallclock.
      ttlSeconds: Math.ceil((body.wallclock_seconds + BURNER_TTL_MARGIN_SECONDS) / deps.config.AGENT_TTL_SCALE),
      startupTimeoutSeconds: body.wallclock_seconds,
      tokenHashes: { cdp: cdp.hash, view: view.hash },
    });
  } catch (err) {
    await vault.delete(jobId).catch(() => undefined);
    throw err;
  }
  const { job, agent, session } = created;
  const log = req.log.child({ job_id: job.id, agent_id: agent.id, session_id: session.id, workspace_id: workspaceId });
  try {
    await enqueueAgentSession(deps.agentQueue, session.id);
  } catch (err) {
    // The burner never starts: its failure fails the task too (and releases the reservation), in one transaction.
    await failAgentSession(deps.prisma, { sessionId: session.id, errorCode: "SERVICE_UNAVAILABLE", errorMessage: "the task's browser could not be handed to the fleet (Redis)" }).catch(() => undefined);
    await vault.delete(jobId).catch(() => undefined);
    throw err;
  }
  log.info({ llm: params.llm, max_steps: params.max_steps, wallclock_seconds: params.wallclock_seconds }, "task submitted");
  return submittedTaskEnvelope(job, agentUrls(deps.publicUrl(), agent.id, { cdp: cdp.token, view: view.token }).liveUrl);
}

