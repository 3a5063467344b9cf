/** The provider-neutral shape of one model call in the agent loop: a system prompt, the conversation so far, the tools. */

export const LLM_PROVIDERS = ["openai", "anthropic", "openai-compatible"] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

/** A tool the model may call: its arguments are described by a JSON Schema object. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  /** The provider's id for the call, echoed in the tool result. */
  id: string;
  name: string;
  /** The arguments as the model sent them (a JSON text). */
  rawArgs: string;
  /** Parsed arguments, or null when `rawArgs` is not a JSON object (fed back to the model as a step error). */
  args: Record<string, unknown> | null;
}

export type ChatMessage =
  | { role: "user"; text: string; imagePngBase64?: string }
  | { role: "assistant"; text?: string; toolCall: ToolCall | null }
  | { role: "tool"; toolCallId: string; name: string; text: string };

export interface LlmTurn {
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  /** Aborts the call (cancel, wallclock). */
  signal?: AbortSignal;
}

export interface LlmAnswer {
  /** The model's one tool call (the first, if it sent several); null when it answered with text only. */
  toolCall: ToolCall | null;
  text: string | null;
  /** Token counts as the provider reported them for this call. */
  usage: { input: number; output: number };
}

/** One provider's client for one task: the key, model and base URL are fixed at creation. */
export interface LlmClient {
  readonly provider: LlmProvider;
  readonly model: string;
  next(turn: LlmTurn): Promise<LlmAnswer>;
}

/** Parses a tool call's argument text: an object, or null (anything else is the model's mistake to be told about). */
export function parseToolArgs(raw: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
