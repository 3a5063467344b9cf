import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm } from "../../../test/support/fake-llm.ts";
import { LlmError, createLlmClient, parseLlmSpec, type ChatMessage, type LlmProvider, type ToolSpec } from "../src/index.ts";

const TOOLS: ToolSpec[] = [
  { name: "goto", description: "open a URL", parameters: { type: "object", properties: { url: { type: "string" } }, required: ["url"] } },
  { name: "done", description: "finish", parameters: { type: "object", properties: { result: {} }, required: ["result"] } },
];
const FAST = { attempts: 3, baseDelayMs: 50, maxDelayMs: 5_000 };

let llm: FakeLlm;

beforeAll(async () => {
  llm = await startFakeLlm(() => ({ text: "unset" }));
});

afterAll(async () => {
  await llm?.close();
});

// A late request of an earlier test (an aborted or retried one) may still reach the shared fake: each
// test finds its own calls by its key, never by position.
const callsWithKey = (from: number, apiKey: string) => llm.calls.slice(from).filter((c) => c.apiKey === apiKey);

const clientFor = (provider: LlmProvider, apiKey = "sk-test-key") =>
  createLlmClient({ provider, model: provider === "anthropic" ? "claude-test" : "gpt-test", apiKey, baseUrl: provider === "anthropic" ? llm.origin : llm.baseUrl, retry: FAST, timeoutMs: 10_000 });

const conversation: ChatMessage[] = [
  { role: "user", text: "Task: find the price.\nPage: https://shop.test/ [e1] link \"Prices\"" },
  { role: "assistant", toolCall: { id: "call_1", name: "goto", rawArgs: '{"url":"https://shop.test/prices"}', args: { url: "https://shop.test/prices" } } },
  { role: "tool", toolCallId: "call_1", name: "goto", text: "ok: now at https://shop.test/prices" },
  { role: "user", text: "Page: https://shop.test/prices  Price: 42 EUR" },
];

describe.each(["openai", "anthropic", "openai-compatible"] as const)("%s through its official SDK, against the fake provider", (provider) => {
  it("sends the system prompt, the conversation, the tools and the key; returns the one tool call with its token counts", async () => {
    llm.setPolicy(() => ({ tool: "done", args: { result: "42 EUR" }, usage: { input: 321, output: 9 } }));
    const before = llm.calls.length;
    const answer = await clientFor(provider, `sk-test-key-${provider}`).next({ system: "You drive a browser.", messages: conversation, tools: TOOLS });
    expect(answer.toolCall).toMatchObject({ name: "done", args: { result: "42 EUR" } });
    expect(answer.usage).toEqual({ input: 321, output: 9 });
    const mine = callsWithKey(before, `sk-test-key-${provider}`);
    expect(mine).toHaveLength(1);
    const call = mine[0]!;
    expect(call.dialect).toBe(provider === "anthropic" ? "anthropic" : "openai");
    expect(call.apiKey).toBe(`sk-test-key-${provider}`);
    expect(call.toolNames).toEqual(["goto", "done"]);
    expect(call.messages[0]).toEqual({ role: "system", text: "You drive a browser." });
    expect(call.last).toContain("Price: 42 EUR");
    expect(call.messages.map((m) => m.text).join("\n")).toContain("[tool_use goto");
    if (provider === "anthropic") {
      // Strictly alternating turns: the tool result and the next observation share one user turn.
      expect(call.messages.slice(1).map((m) => m.role)).toEqual(["user", "assistant", "user"]);
      expect(call.body.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
    } else {
      expect(call.body.tool_choice).toBe(provider === "openai" ? "required" : "auto");
    }
  });

  it("a tool call whose arguments are not a JSON object comes back with args null, the raw text kept", async () => {
    llm.setPolicy(() => ({ malformed: "arguments" }));
    const answer = await clientFor(provider).next({ system: "s", messages: conversation, tools: TOOLS });
    expect(answer.toolCall?.name).toBe("goto");
    if (provider === "anthropic") expect(answer.toolCall?.args).toEqual({ unexpected: [1, 2, 3] });
    else expect(answer.toolCall).toMatchObject({ args: null, rawArgs: "{not json" });
  });

  it("401 is INVALID_API_KEY at once, without a retry", async () => {
    llm.setPolicy(() => ({ status: 401 }));
    const before = llm.calls.length;
    const failure = await clientFor(provider, `sk-wrong-${provider}`).next({ system: "s", messages: conversation, tools: TOOLS }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LlmError);
    expect(failure).toMatchObject({ code: "INVALID_API_KEY", status: 401, attempts: 1 });
    expect(callsWithKey(before, `sk-wrong-${provider}`)).toHaveLength(1);
    expect(String((failure as Error).message)).not.toContain("sk-wrong");
  });

  it("429 with Retry-After is retried after at least that long, then succeeds; 429 every time is RATE_LIMIT after the attempts", async () => {
    let n = 0;
    llm.setPolicy((turn) => (turn.apiKey === `sk-test-429-${provider}` && ++n <= 2 ? { status: 429, headers: { "retry-after": "1" } } : { tool: "done", args: { result: 1 } }));
    const before = llm.calls.length;
    const startedAt = Date.now();
    const answer = await clientFor(provider, `sk-test-429-${provider}`).next({ system: "s", messages: conversation, tools: TOOLS });
    expect(answer.toolCall?.name).toBe("done");
    expect(callsWithKey(before, `sk-test-429-${provider}`)).toHaveLength(3);
    // Two waits of at least the 1 s the provider asked for.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000);

    llm.setPolicy(() => ({ status: 429, headers: { "retry-after": "0.2" } }));
    const always = await clientFor(provider).next({ system: "s", messages: conversation, tools: TOOLS }).catch((e: unknown) => e);
    expect(always).toMatchObject({ code: "RATE_LIMIT", status: 429, attempts: 3 });
  });

  it("500 on every attempt is LLM_ERROR with the provider's message; an abort is not an LlmError", async () => {
    llm.setPolicy(() => ({ status: 500 }));
    const failure = await clientFor(provider).next({ system: "s", messages: conversation, tools: TOOLS }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "LLM_ERROR", status: 500, attempts: 3 });
    expect((failure as Error).message).toContain("upstream error 500");

    llm.setPolicy(() => ({ delayMs: 5_000, then: { text: "late" } }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("cancelled")), 200);
    const aborted = await clientFor(provider).next({ system: "s", messages: conversation, tools: TOOLS, signal: controller.signal }).catch((e: unknown) => e);
    expect(aborted).not.toBeInstanceOf(LlmError);
  });
});

describe("parseLlmSpec", () => {
  it("reads provider:model, models with colons included, and refuses the rest", () => {
    expect(parseLlmSpec("openai:gpt-4.1-mini")).toEqual({ provider: "openai", model: "gpt-4.1-mini" });
    expect(parseLlmSpec("openai-compatible:llama3:8b")).toEqual({ provider: "openai-compatible", model: "llama3:8b" });
    expect(parseLlmSpec("anthropic:claude-sonnet-4")).toEqual({ provider: "anthropic", model: "claude-sonnet-4" });
    for (const bad of ["gpt-4", "google:gemini", ":x", "openai:"]) expect(parseLlmSpec(bad)).toBeNull();
  });
});
