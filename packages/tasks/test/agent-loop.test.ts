import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { shopper } from "../../../test/support/shop-shopper.ts";
import type { Browser, Page } from "playwright-core";
import { launchLocalChromium, startShopSite, type ShopSite } from "../../../test/support/shop-site.ts";
import { startFakeLlm, type FakeLlm } from "../../../test/support/fake-llm.ts";
import { LlmError, compileOutputSchema, createLlmClient, runAgentLoop, type LlmProvider, type StepRecord } from "../src/index.ts";

let site: ShopSite;
let origin: string;
let browser: Browser;
let page: Page;
let llm: FakeLlm;

beforeAll(async () => {
  site = await startShopSite();
  origin = site.origin;
  [browser, llm] = await Promise.all([
    launchLocalChromium(),
    startFakeLlm(() => ({ text: "unset" })),
  ]);
  page = await browser.newPage();
});

afterAll(async () => {
  await Promise.all([browser?.close(), llm?.close(), site?.close()]);
});

beforeEach(async () => {
  await page.goto(`${origin}/`);
});

const loop = (provider: LlmProvider, overrides: Partial<Parameters<typeof runAgentLoop>[0]> = {}) => {
  const steps: StepRecord[] = [];
  const llmClient = createLlmClient({ provider, model: "test-model", apiKey: "sk-loop", baseUrl: provider === "anthropic" ? llm.origin : llm.baseUrl, retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 1_000 } });
  const run = runAgentLoop({
    task: "Find the price of the red mug",
    llm: llmClient,
    page,
    maxSteps: 10,
    signal: new AbortController().signal,
    recordStep: async (step) => void steps.push(step),
    askUser: async () => "no answer",
    ...overrides,
  });
  return { run, steps };
};

describe.each(["openai", "anthropic"] as const)("the agent loop with a %s model", (provider) => {
  it("completes the task on the real page: each tool call one step, in order, with URLs and token counts", async () => {
    llm.setPolicy(shopper);
    const { run, steps } = loop(provider);
    expect(await run).toEqual({ kind: "done", result: "Price: 12 EUR", steps: 4 });
    expect(steps.map((s) => [s.n, s.action, s.error])).toEqual([
      [1, "type", null],
      [2, "click", null],
      [3, "extract", null],
      [4, "done", null],
    ]);
    expect(steps[0]!.url).toBe(`${origin}/results?q=mug`);
    expect(steps[1]!.url).toBe(`${origin}/item/1`);
    expect(steps.every((s) => s.inputTokens > 100 && s.outputTokens === 10)).toBe(true);
    // The model saw only the newest page in full: earlier steps are one line each.
    const lastCall = llm.calls.at(-1)!;
    expect(lastCall.messages.filter((m) => m.text.includes("Page snapshot")).length).toBe(1);
  });
});

describe("the agent loop's other ends", () => {
  it("ask_user waits for the answer, which reaches the model", async () => {
    llm.setPolicy((turn) => {
      const answered = turn.messages.find((m) => m.text.includes("the user answered:"));
      return answered ? { tool: "done", args: { result: answered.text.replace(/^.*the user answered: /s, "") } } : { tool: "ask_user", args: { question: "Which colour?" } };
    });
    const asked: string[] = [];
    const { run, steps } = loop("openai", { askUser: async (q) => (asked.push(q), "red") });
    expect(await run).toMatchObject({ kind: "done", result: "red", steps: 2 });
    expect(asked).toEqual(["Which colour?"]);
    expect(steps.map((s) => s.action)).toEqual(["ask_user", "done"]);
  });

  it("a model that never calls done stalls at max_steps; one that stops calling tools stalls as having given up", async () => {
    llm.setPolicy(() => ({ tool: "wait", args: { ms: 1 } }));
    const capped = loop("openai", { maxSteps: 3 });
    expect(await capped.run).toMatchObject({ kind: "stalled", steps: 3, reason: expect.stringContaining("max_steps (3)") });
    expect(capped.steps).toHaveLength(3);
    llm.setPolicy(() => ({ text: "I cannot do this." }));
    const quitter = loop("anthropic");
    expect(await quitter.run).toMatchObject({ kind: "stalled", steps: 0, reason: expect.stringContaining("gave up") });
  });

  it("a done that misses the output schema is a step error fed back; failed tools too", async () => {
    const compiled = compileOutputSchema({ type: "object", properties: { price: { type: "number" } }, required: ["price"] });
    if (!("validate" in compiled)) throw new Error(compiled.error);
    llm.setPolicy((turn) => {
      const errors = turn.messages.filter((m) => m.role === "tool" || m.text.includes("error:")).map((m) => m.text);
      if (errors.some((t) => t.includes("does not match the output schema"))) return { tool: "done", args: { result: { price: 12 } } };
      if (errors.some((t) => t.includes("error:"))) return { tool: "done", args: { result: "12 EUR" } };
      return { tool: "click", args: { selector: "#does-not-exist" } };
    });
    const { run, steps } = loop("openai", { outputSchema: compiled.validate, tools: { actionTimeoutMs: 300 } });
    expect(await run).toMatchObject({ kind: "done", result: { price: 12 }, steps: 3 });
    expect(steps.map((s) => [s.action, s.error === null])).toEqual([
      ["click", false],
      ["done", false],
      ["done", true],
    ]);
    expect(steps[1]!.error).toContain("output schema");
  });

  it("a provider error is no step and ends the loop with its code; an abort stops it between steps", async () => {
    llm.setPolicy(() => ({ status: 401 }));
    const refused = loop("anthropic");
    await expect(refused.run).rejects.toBeInstanceOf(LlmError);
    await expect(refused.run).rejects.toMatchObject({ code: "INVALID_API_KEY" });
    expect(refused.steps).toEqual([]);

    const controller = new AbortController();
    llm.setPolicy(() => ({ tool: "wait", args: { ms: 1 } }));
    const cancelled = loop("openai", { signal: controller.signal, recordStep: async (step) => void (step.n === 2 && controller.abort(new Error("cancelled"))) });
    await expect(cancelled.run).rejects.toThrow("cancelled");
  });
});
