import { anthropicClient } from "./anthropic-client.ts";
import { openAiClient } from "./openai-client.ts";
import { LLM_PROVIDERS, type LlmClient, type LlmProvider } from "./llm-types.ts";
import type { RetryPolicy } from "./with-provider-retries.ts";

/** "provider:model" (api.md: default "openai:gpt-4.1-mini"); the model part may itself hold colons (e.g. "llama3:8b"). */
export function parseLlmSpec(spec: string): { provider: LlmProvider; model: string } | null {
  const at = spec.indexOf(":");
  if (at <= 0 || at === spec.length - 1) return null;
  const provider = spec.slice(0, at) as LlmProvider;
  if (!LLM_PROVIDERS.includes(provider)) return null;
  return { provider, model: spec.slice(at + 1) };
}

export interface LlmClientOptions {
  provider: LlmProvider;
  model: string;
  apiKey: string;
  baseUrl?: string | null;
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** The HTTP client both SDKs use (pinned-fetch.ts pins it to the addresses the SSRF guard checked). */
  fetch?: typeof fetch;
}

/** One client per task, from its provider, model, key and base URL. */
export function createLlmClient(options: LlmClientOptions): LlmClient {
  const common = { apiKey: options.apiKey, model: options.model, timeoutMs: options.timeoutMs ?? 120_000, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}), ...(options.retry ? { retry: options.retry } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) };
  if (options.provider === "anthropic") return anthropicClient(common);
  return openAiClient({ ...common, compatible: options.provider === "openai-compatible" });
}
