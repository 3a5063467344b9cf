import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { chromium, type Browser, type Page } from "playwright-core";
import { FLEET_SECRET_HEADER } from "@browserfleet/agents";
import { taskJobParams, type TargetPolicy, type TaskJobParams } from "@browserfleet/core";
import { finishTask, markTaskRunning, pauseTaskForInput, recordTaskStep, type Db, type TaskEnd } from "@browserfleet/db";
import { announceJobFinished } from "@browserfleet/queue";
import { LlmError, compileOutputSchema, createLlmClient, parseLlmSpec, pinnedProviderFetch, runAgentLoop, type LoopOutcome, type OutputValidator, type TaskKeyVault } from "@browserfleet/tasks";
import type { HostedSession } from "../agents/hosted-session.ts";
import type { JobAbortControllers } from "../job-abort-controllers.ts";
import { keyRedactor } from "./redact-key.ts";
import { TaskStop, stopOf } from "./task-stop.ts";
import { waitForAnswer } from "./wait-for-answer.ts";

export interface TaskRunnerOptions {
  prisma: Db;
  publisher: Redis;
  prefix: string;
  /** Null when TASK_KEY_SECRET is unset: a task placed here fails (its key cannot be read). */
  vault: TaskKeyVault | null;
  aborts: JobAbortControllers;
  /** The provider's URL is checked again here and connections pinned to what was checked. */
  targetPolicy: TargetPolicy;
  /** This worker's relay (ws) URL and the fleet secret: the loop drives its browser through the relay like any CDP client. */
  relayUrl: () => string;
  fleetSecret: string;
  logger: Logger;
}

const FINISH_TRIES = 5;

/**
 * Runs a task's agent loop in the burner hosting it, on the worker hosting that burner: the
 * loop connects to the browser through this worker's own relay (so it gets the agent's identity
 * and the containment every CDP client gets), records each step with its credit, pauses for
 * ask_user, and stops between steps on cancel or at the wallclock. Whatever happens the job ends
 * once, the key leaves Redis, and the burner is ended after the job (so its end never decides it).
 */
export class TaskRunner {
  constructor(private readonly options: TaskRunnerOptions) {}

  async run(session: HostedSession, jobId: string): Promise<void> {
    const { prisma } = this.options;
    const log = this.options.logger.child({ job_id: jobId, agent_id: session.agentId, session_id: session.id, workspace_id: session.workspaceId });
    let redact = (text: string): string => text;
    let end: TaskEnd | null;
    const stop = new AbortController();
    const cancel = this.options.aborts.open(jobId);
    const onCancel = (): void => stop.abort(new TaskStop("cancelled"));
    cancel.signal.addEventListener("abort", onCancel, { once: true });
    let timer: NodeJS.Timeout | undefined;
    let browser: Browser | null = null;
    let closeFetch: (() => Promise<void>) | undefined;
    try {
      const job = await prisma.job.findUnique({ where: { id: jobId } });
      const parsed = taskJobParams.safeParse(job?.params);
      if (!job || !parsed.success) throw new Error("the task's job row is missing or unreadable");
      const params = parsed.data;
      const deadline = job.createdAt.getTime() + params.wallclock_seconds * 1000;
      timer = setTimeout(() => stop.abort(new TaskStop("timeout")), Math.max(0, deadline - Date.now()));
      if (!(await markTaskRunning(prisma, jobId))) throw new TaskStop("ended");
      await this.announce(jobId, log);
      const key = (await this.options.vault?.get(jobId)) ?? null;
      if (key === null) throw new Error("the task's LLM key is not in the vault (expired, or TASK_KEY_SECRET differs between the API and this worker)");
      redact = keyRedactor(key);
      const client = await this.llmClient(params, key, stop.signal);
      closeFetch = client.close;
      browser = await chromium.connectOverCDP(`${this.options.relayUrl().replace(/^http/, "ws")}/agents/${session.id}/devtools/browser`, {
        headers: { [FLEET_SECRET_HEADER]: this.options.fleetSecret },
        timeout: 15_000,
      });
      const page = await firstPage(browser);
      log.info({ llm: params.llm, max_steps: params.max_steps }, "task loop started");
      const outcome = await runAgentLoop({
        task: params.task,
        llm: client.llm,
        page,
        maxSteps: params.max_steps,
        ...(params.output_schema ? { outputSchema: outputValidator(params.output_schema) } : {}),
        signal: stop.signal,
        recordStep: async (step) => {
          const written = await recordTaskStep(prisma, jobId, {
            ...step,
            observation: step.observation === null ? null : redact(step.observation),
            error: step.error === null ? null : redact(step.error),
          });
          if (!written) throw new TaskStop("ended");
          log.info({ step: step.n, action: step.action, failed: step.error !== null, input_tokens: step.inputTokens, output_tokens: step.outputTokens }, "task step");
        },
        askUser: async (question, n) => {
          if (!(await pauseTaskForInput(prisma, { jobId, question: redact(question) }))) throw new TaskStop("ended");
          await this.announce(jobId, log);
          log.info({ step: n }, "task waits for the user's answer");
          return waitForAnswer(prisma, { jobId, n, signal: stop.signal });
        },
      });
      end = await this.endOf(outcome, session);
    } catch (err) {
      end = this.failureOf(err, stop.signal, redact, log);
    } finally {
      clearTimeout(timer);
      cancel.signal.removeEventListener("abort", onCancel);
      this.options.aborts.close(jobId, cancel);
    }
    if (end !== null) await this.finish(jobId, end, log);
    await this.options.vault?.delete(jobId).catch((err: unknown) => log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "could not delete the task's key; its Redis TTL removes it"));
    await this.announce(jobId, log);
    await browser?.close().catch(() => undefined);
    await closeFetch?.().catch(() => undefined);
    await session.end("client");
  }

  private async llmClient(params: TaskJobParams, apiKey: string, signal: AbortSignal) {
    const spec = parseLlmSpec(params.llm);
    if (spec === null) throw new Error(`unknown llm "${params.llm}"`);
    let fetchImpl: typeof fetch | undefined;
    let close: (() => Promise<void>) | undefined;
    if (params.llm_base_url !== undefined) {
      const pinned = await pinnedProviderFetch(params.llm_base_url, this.options.targetPolicy, signal);
      if (!pinned.allowed) throw new LlmError("LLM_ERROR", `llm_base_url is not allowed: ${pinned.reason}`);
      fetchImpl = pinned.fetch;
      close = pinned.close;
    }
    const llm = createLlmClient({ ...spec, apiKey, baseUrl: params.llm_base_url ?? null, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
    return { llm, ...(close ? { close } : {}) };
  }

  private async endOf(outcome: LoopOutcome, session: HostedSession): Promise<TaskEnd> {
    if (outcome.kind === "stalled") return { status: "failed", errorCode: "STALLED", errorMessage: outcome.reason };
    const agent = await this.options.prisma.agent.findUnique({ where: { id: session.agentId }, select: { trustScore: true } }).catch(() => null);
    return { status: "completed", result: { final_result: outcome.result, steps_taken: outcome.steps, trust_score: agent?.trustScore ?? null } };
  }

  /** The job's failure for what stopped the loop; null when someone else already ended it (a cancel). */
  private failureOf(err: unknown, signal: AbortSignal, redact: (text: string) => string, log: Logger): TaskEnd | null {
    const stop = stopOf(err, signal);
    if (stop?.why === "cancelled" || stop?.why === "ended") return null;
    if (stop?.why === "timeout") return { status: "failed", errorCode: "TIMEOUT", errorMessage: stop.message };
    if (err instanceof LlmError) {
      log.warn({ code: err.code, status: err.status, attempts: err.attempts }, "task's model call failed");
      return { status: "failed", errorCode: err.code, errorMessage: redact(err.message) };
    }
    const message = redact(err instanceof Error ? err.message : String(err));
    log.error({ err: { message } }, "task failed");
    return { status: "failed", errorCode: "INTERNAL_ERROR", errorMessage: `the task could not go on: ${message}` };
  }

  private async finish(jobId: string, end: TaskEnd, log: Logger): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const finished = await finishTask(this.options.prisma, jobId, end);
        log.info({ status: end.status, error_code: end.status === "failed" ? end.errorCode : null, finished }, "task ended");
        return;
      } catch (err) {
        if (attempt >= FINISH_TRIES) {
          // The burner's end follows: its transaction fails the task (INTERNAL_ERROR) if this never landed.
          log.error({ err: { message: err instanceof Error ? err.message : String(err) } }, "could not write the task's end");
          return;
        }
        await new Promise((r) => setTimeout(r, 300 * attempt));
      }
    }
  }

  private async announce(jobId: string, log: Logger): Promise<void> {
    await announceJobFinished(this.options.publisher, this.options.prefix, jobId).catch((err: unknown) =>
      log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, "could not wake the task's waiters; they poll"),
    );
  }
}

/** The submit refused a schema that does not compile, so one that fails here is a bug, not the tenant's. */
function outputValidator(schema: Record<string, unknown>): OutputValidator {
  const compiled = compileOutputSchema(schema);
  if ("error" in compiled) throw new Error(`the output_schema does not compile: ${compiled.error}`);
  return compiled.validate;
}

/** The page the client would see first: the default context's first page (the initial_url one), or a new one. */
async function firstPage(browser: Browser): Promise<Page> {
  const context = browser.contexts()[0];
  if (!context) throw new Error("the agent's browser has no default context");
  return context.pages()[0] ?? (await context.newPage());
}
