import OpenAI, { APIError, APIUserAbortError } from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { ABORTED_ATTEMPT, describeOtherFailure, retryAfterMs, type AttemptFailure } from "./llm-errors.ts";
import { parseToolArgs, type ChatMessage, type LlmAnswer, type LlmClient, type LlmTurn } from "./llm-types.ts";
import { withProviderRetries, type RetryPolicy } from "./with-provider-retries.ts";

export interface OpenAiClientOptions {
  apiKey: string;
  model: string;
  /** The API base (default OpenAI's own https://api.openai.com/v1); for openai-compatible servers, theirs. */
  baseUrl?: string;
  /** "openai-compatible" servers (Ollama, vLLM, OpenRouter…) get only the widely supported request fields. */
  compatible: boolean;
  timeoutMs: number;
  /** The HTTP client the SDK uses (the worker pins it to the provider addresses it checked). */
  fetch?: typeof fetch;
  retry?: RetryPolicy;
}

/**
 * The chat-completions dialect through OpenAI's official SDK (also what OpenAI-compatible servers
 * speak). The SDK's own retries are off: withProviderRetries owns them, so every wait honours the
 * provider's Retry-After and the task's wallclock, and the failure maps to the contract's codes.
 */
export function openAiClient(options: OpenAiClientOptions): LlmClient {
  const sdk = new OpenAI({ apiKey: options.apiKey, ...(options.baseUrl ? { baseURL: options.baseUrl } : {}), ...(options.fetch ? { fetch: options.fetch } : {}), maxRetries: 0, timeout: options.timeoutMs });
  return {
    provider: options.compatible ? "openai-compatible" : "openai",
    model: options.model,
    next: (turn) =>
      withProviderRetries(
        async () => {
          const completion = await sdk.chat.completions.create(
            {
              model: options.model,
              messages: toOpenAiMessages(turn),
              tools: turn.tools.map((t): ChatCompletionTool => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.parameters } })),
              // One tool call per step; OpenAI itself can be told so, other servers may not know the fields.
              ...(options.compatible ? { tool_choice: "auto" as const } : { tool_choice: "required" as const, parallel_tool_calls: false }),
            },
            turn.signal ? { signal: turn.signal } : {},
          );
          return fromOpenAiAnswer(completion);
        },
        describeOpenAiFailure,
        { ...(options.retry ? { policy: options.retry } : {}), ...(turn.signal ? { signal: turn.signal } : {}) },
      ),
  };
}

function toOpenAiMessages(turn: LlmTurn): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [{ role: "system", content: turn.system }];
  for (const message of turn.messages) out.push(toOpenAiMessage(message));
  return out;
}

function toOpenAiMessage(message: ChatMessage): ChatCompletionMessageParam {
  if (message.role === "user") {
    if (!message.imagePngBase64) return { role: "user", content: message.text };
    return { role: "user", content: [{ type: "text", text: message.text }, { type: "image_url", image_url: { url: `data:image/png;base64,${message.imagePngBase64}` } }] };
  }
  if (message.role === "tool") return { role: "tool", tool_call_id: message.toolCallId, content: message.text };
  const call = message.toolCall;
  return {
    role: "assistant",
    content: message.text ?? null,
    ...(call ? { tool_calls: [{ id: call.id, type: "function" as const, function: { name: call.name, arguments: call.rawArgs } }] } : {}),
  };
}

function fromOpenAiAnswer(completion: OpenAI.Chat.Completions.ChatCompletion): LlmAnswer {
  const message = completion.choices[0]?.message;
  const call = message?.tool_calls?.find((c) => c.type === "function");
  const usage = { input: completion.usage?.prompt_tokens ?? 0, output: completion.usage?.completion_tokens ?? 0 };
  if (!call || call.type !== "function") return { toolCall: null, text: message?.content ?? null, usage };
  const rawArgs = call.function.arguments ?? "";
  return { toolCall: { id: call.id, name: call.function.name, rawArgs, args: parseToolArgs(rawArgs === "" ? "{}" : rawArgs) }, text: message?.content ?? null, usage };
}

function describeOpenAiFailure(err: unknown): AttemptFailure {
  if (err instanceof APIUserAbortError) return ABORTED_ATTEMPT;
  if (err instanceof APIError) return { status: err.status ?? null, message: providerMessage(err), retryAfterMs: retryAfterMs(err.headers), aborted: false };
  return describeOtherFailure(err);
}

/** The provider's own words (error.message of its body) rather than the SDK's wrapping. */
function providerMessage(err: APIError): string {
  const body = err.error as { message?: unknown } | undefined;
  return typeof body?.message === "string" ? body.message : err.message;
}
