import type { Page } from "playwright-core";
import type { TaskStepRecord } from "@browserfleet/core";
import type { ValidateFunction } from "ajv";
import type { ChatMessage, LlmClient } from "../llm/llm-types.ts";
import { observePage, observationText, type ObserveOptions, DEFAULT_OBSERVE } from "./observe-page.ts";
import { schemaMismatch } from "./output-schema.ts";
import { runTool, DEFAULT_RUN_TOOL, type RunToolOptions, type ToolOutcome } from "./run-tool.ts";
import { TASK_TOOLS } from "./task-tools.ts";

/** One recorded step: the page's URL after the action is always known here. */
export type StepRecord = TaskStepRecord & { url: string };

export type LoopOutcome = { kind: "done"; result: unknown; steps: number } | { kind: "stalled"; reason: string; steps: number };

export interface AgentLoopInput {
  task: string;
  llm: LlmClient;
  page: Page;
  maxSteps: number;
  /** The compiled output_schema, when the task has one: a `done` whose result does not fit is a step error. */
  outputSchema?: ValidateFunction;
  /** Cancel or wallclock: stops the loop between steps (and aborts a model call in flight). */
  signal: AbortSignal;
  /** Persists the step and charges it (one task_step); a throw stops the loop (e.g. the credit ran out). */
  recordStep(step: StepRecord): Promise<void>;
  /** ask_user: resolves with the user's answer (the job waits in input_required meanwhile, its browser kept). */
  askUser(question: string, step: number): Promise<string>;
  vision?: boolean;
  observe?: Partial<ObserveOptions>;
  tools?: Partial<RunToolOptions>;
}

/** Consecutive answers without a tool call after which the model is taken to have given up. */
const MAX_TOOLLESS_ANSWERS = 2;
const MAX_STEP_TEXT = 2_000;

export const AGENT_SYSTEM_PROMPT = [
  "You operate a web browser to complete the user's task.",
  "Each turn you see the current page: its URL, title and an accessibility snapshot in which elements you can act on carry a reference like [ref=e12].",
  "Call exactly one tool per turn. Refer to elements by their ref as `index` (e.g. \"e12\"), or by a CSS `selector` when they have none.",
  "When a tool fails you are told why: adjust and try something else.",
  "Call `done` with the result as soon as you have it; call `ask_user` only when the task cannot go on without the user's answer.",
].join("\n");

/**
 * The agent loop of a task: observe the page, ask the model for one tool call, run it, record the
 * step, until `done` (checked against the output schema), `max_steps` (stalled), or a model that
 * stops calling tools (stalled). Every tool call is one step, `done` and `ask_user` included; a
 * failed model call (LlmError) is no step and ends the loop by throwing. The conversation the model
 * sees is rebuilt every turn: the task, each earlier step's call and outcome in a line, and only
 * the newest page in full, so it stays small however long the task runs.
 */
export async function runAgentLoop(input: AgentLoopInput): Promise<LoopOutcome> {
  const observe = { ...DEFAULT_OBSERVE, ...input.observe, screenshot: input.vision === true };
  const toolOptions = { ...DEFAULT_RUN_TOOL, ...input.tools };
  /** The conversation after the task: each step's call and its outcome, and any text-only answer with the reminder it got. */
  const past: ChatMessage[] = [];
  let toolless = 0;
  for (let n = 1; n <= input.maxSteps; ) {
    input.signal.throwIfAborted();
    const observation = await observePage(input.page, observe);
    const messages: ChatMessage[] = [{ role: "user", text: `Task: ${input.task}` }];
    messages.push(...past);
    messages.push({ role: "user", text: observationText(observation), ...(observation.screenshotPngBase64 ? { imagePngBase64: observation.screenshotPngBase64 } : {}) });
    const startedAt = new Date();
    const answer = await input.llm.next({ system: AGENT_SYSTEM_PROMPT, messages, tools: [...TASK_TOOLS], signal: input.signal });
    if (answer.toolCall === null) {
      toolless += 1;
      if (toolless >= MAX_TOOLLESS_ANSWERS) return { kind: "stalled", reason: "the model gave up: it answered without calling a tool", steps: n - 1 };
      past.push({ role: "assistant", text: answer.text || "(no tool call)", toolCall: null }, { role: "user", text: "Call one of the tools (done, with the result, when you have it)." });
      continue;
    }
    toolless = 0;
    let outcome: ToolOutcome = await runTool(input.page, answer.toolCall, toolOptions);
    if (outcome.kind === "done" && input.outputSchema) {
      const mismatch = schemaMismatch(input.outputSchema, outcome.result);
      if (mismatch !== null) outcome = { kind: "failed", tool: "done", args: outcome.args, error: `the result does not match the output schema: ${mismatch}` };
    }
    const record: StepRecord = {
      n,
      action: answer.toolCall.name,
      args: answer.toolCall.args,
      url: input.page.url(),
      observation: clip(outcomeText(outcome)),
      error: outcome.kind === "failed" ? outcome.error : null,
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      inputTokens: answer.usage.input,
      outputTokens: answer.usage.output,
    };
    await input.recordStep(record);
    if (outcome.kind === "done") return { kind: "done", result: outcome.result, steps: n };
    let result = outcome.kind === "failed" ? `error: ${outcome.error}` : (outcomeText(outcome) ?? "");
    if (outcome.kind === "ask_user") result = `the user answered: ${await input.askUser(outcome.question, n)}`;
    past.push({ role: "assistant", toolCall: answer.toolCall }, { role: "tool", toolCallId: answer.toolCall.id, name: answer.toolCall.name, text: result });
    n += 1;
  }
  return { kind: "stalled", reason: `max_steps (${input.maxSteps}) reached without done`, steps: input.maxSteps };
}

/** What a step did, in words (the model gets it whole; the step row keeps the first MAX_STEP_TEXT characters). */
function outcomeText(outcome: ToolOutcome): string | null {
  if (outcome.kind === "acted") return outcome.summary;
  if (outcome.kind === "ask_user") return `asked: ${outcome.question}`;
  if (outcome.kind === "done") return `result: ${JSON.stringify(outcome.result) ?? "null"}`;
  return null;
}

function clip(text: string | null): string | null {
  return text === null || text.length <= MAX_STEP_TEXT ? text : `${text.slice(0, MAX_STEP_TEXT)}…`;
}
