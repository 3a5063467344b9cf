import Anthropic, { APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type { ContentBlockParam, MessageParam, Tool } from "@anthropic-ai/sdk/resources/messages";
import { ABORTED_ATTEMPT, describeOtherFailure, retryAfterMs, type AttemptFailure } from "./llm-errors.ts";
import type { LlmAnswer, LlmClient, LlmTurn } from "./llm-types.ts";
import { withProviderRetries, type RetryPolicy } from "./with-provider-retries.ts";

export interface AnthropicClientOptions {
  apiKey: string;
  model: string;
  /** The API origin (default https://api.anthropic.com; the SDK adds /v1/messages). */
  baseUrl?: string;
  timeoutMs: number;
  /** The HTTP client the SDK uses (the worker pins it to the provider addresses it checked). */
  fetch?: typeof fetch;
  maxTokens?: number;
  retry?: RetryPolicy;
}

/**
 * The messages dialect through Anthropic's official SDK, with the SDK's retries off (see
 * withProviderRetries). Anthropic wants user and assistant turns alternating and tool results
 * as user content blocks, so consecutive user-side messages are merged into one turn.
 */
export function anthropicClient(options: AnthropicClientOptions): LlmClient {
  const sdk = new Anthropic({ apiKey: options.apiKey, ...(options.baseUrl ? { baseURL: options.baseUrl } : {}), ...(options.fetch ? { fetch: options.fetch } : {}), maxRetries: 0, timeout: options.timeoutMs });
  return {
    provider: "anthropic",
    model: options.model,
    next: (turn) =>
      withProviderRetries(
        async () => {
          const message = await sdk.messages.create(
            {
              model: options.model,
              max_tokens: options.maxTokens ?? 1_024,
              system: turn.system,
              messages: toAnthropicMessages(turn),
              tools: turn.tools.map((t): Tool => ({ name: t.name, description: t.description, input_schema: t.parameters as Tool["input_schema"] })),
              tool_choice: { type: "any", disable_parallel_tool_use: true },
            },
            turn.signal ? { signal: turn.signal } : {},
          );
          return fromAnthropicAnswer(message);
        },
        describeAnthropicFailure,
        { ...(options.retry ? { policy: options.retry } : {}), ...(turn.signal ? { signal: turn.signal } : {}) },
      ),
  };
}

function toAnthropicMessages(turn: LlmTurn): MessageParam[] {
  const out: MessageParam[] = [];
  const push = (role: "user" | "assistant", blocks: ContentBlockParam[]): void => {
    const previous = out.at(-1);
    if (previous && previous.role === role && Array.isArray(previous.content)) previous.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  for (const message of turn.messages) {
    if (message.role === "user") {
      push("user", [
        { type: "text", text: message.text },
        ...(message.imagePngBase64 ? [{ type: "image" as const, source: { type: "base64" as const, media_type: "image/png" as const, data: message.imagePngBase64 } }] : []),
      ]);
    } else if (message.role === "tool") {
      push("user", [{ type: "tool_result", tool_use_id: message.toolCallId, content: message.text }]);
    } else {
      const call = message.toolCall;
      push("assistant", [
        ...(message.text ? [{ type: "text" as const, text: message.text }] : []),
        ...(call ? [{ type: "tool_use" as const, id: call.id, name: call.name, input: call.args ?? {} }] : []),
      ]);
    }
  }
  return out;
}

function fromAnthropicAnswer(message: Anthropic.Messages.Message): LlmAnswer {
  const usage = { input: message.usage.input_tokens, output: message.usage.output_tokens };
  const text = message.content.filter((b) => b.type === "text").map((b) => (b as { text: string }).text).join("\n") || null;
  const use = message.content.find((b) => b.type === "tool_use");
  if (!use || use.type !== "tool_use") return { toolCall: null, text, usage };
  const input = use.input;
  const args = input !== null && typeof input === "object" && !Array.isArray(input) ? (input as Record<string, unknown>) : null;
  return { toolCall: { id: use.id, name: use.name, rawArgs: JSON.stringify(input ?? null), args }, text, usage };
}

function describeAnthropicFailure(err: unknown): AttemptFailure {
  if (err instanceof APIUserAbortError) return ABORTED_ATTEMPT;
  if (err instanceof APIError) {
    const body = err.error as { error?: { message?: unknown } } | undefined;
    const message = typeof body?.error?.message === "string" ? body.error.message : err.message;
    return { status: err.status ?? null, message, retryAfterMs: retryAfterMs(err.headers), aborted: false };
  }
  return describeOtherFailure(err);
}
