import { TASK_TOOL_ARGS, TASK_TOOL_NAMES, type TaskToolName } from "@browserfleet/core";
import type { Locator, Page } from "playwright-core";
import type { ToolCall } from "../llm/llm-types.ts";
import { bound, firstLine } from "./observe-page.ts";

/** What one tool call did: the page was acted on, or the model asked the user, or it is done, or the call failed (fed back, not fatal). */
export type ToolOutcome =
  | { kind: "acted"; tool: TaskToolName; args: Record<string, unknown>; summary: string }
  | { kind: "ask_user"; tool: "ask_user"; args: Record<string, unknown>; question: string }
  | { kind: "done"; tool: "done"; args: Record<string, unknown>; result: unknown }
  | { kind: "failed"; tool: string; args: Record<string, unknown> | null; error: string };

export interface RunToolOptions {
  /** Per action (click, fill, navigation…). */
  actionTimeoutMs: number;
  /** Most characters `extract` returns. */
  maxExtractChars: number;
}

export const DEFAULT_RUN_TOOL: RunToolOptions = { actionTimeoutMs: 10_000, maxExtractChars: 20_000 };

/**
 * Runs the model's one tool call on the page. Arguments are checked against the tool's schema
 * first; a wrong call, an element that is not there, or an action that times out is a failed
 * step whose error goes back to the model. `goto` takes http(s) only (the agent's egress guard
 * refuses private addresses whatever the URL).
 */
export async function runTool(page: Page, call: ToolCall, options: RunToolOptions = DEFAULT_RUN_TOOL): Promise<ToolOutcome> {
  if (!TASK_TOOL_NAMES.includes(call.name as TaskToolName)) return { kind: "failed", tool: call.name, args: call.args, error: `no tool named "${call.name}"; the tools are ${TASK_TOOL_NAMES.join(", ")}` };
  const tool = call.name as TaskToolName;
  if (call.args === null) return { kind: "failed", tool, args: null, error: `the arguments are not a JSON object: ${call.rawArgs.slice(0, 200)}` };
  const parsed = TASK_TOOL_ARGS[tool].safeParse(call.args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: "failed", tool, args: call.args, error: `bad arguments for ${tool}: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}` };
  }
  const args = parsed.data as Record<string, unknown>;
  if (tool === "ask_user") return { kind: "ask_user", tool, args, question: String(args.question) };
  if (tool === "done") return { kind: "done", tool, args, result: args.result };
  try {
    const summary = await act(page, tool, args, options);
    return { kind: "acted", tool, args, summary };
  } catch (err) {
    return { kind: "failed", tool, args, error: firstLine(err) };
  }
}

async function act(page: Page, tool: TaskToolName, args: Record<string, unknown>, options: RunToolOptions): Promise<string> {
  const timeout = options.actionTimeoutMs;
  switch (tool) {
    case "goto": {
      const url = new URL(String(args.url));
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`only http(s) URLs can be opened, not ${url.protocol}`);
      const response = await page.goto(url.toString(), { waitUntil: "domcontentloaded", timeout });
      return `opened ${page.url()}${response ? ` (HTTP ${response.status()})` : ""}`;
    }
    case "click":
      await locate(page, args).click({ timeout });
      await settle(page);
      return `clicked ${describeTarget(args)}`;
    case "type": {
      const field = locate(page, args);
      await field.fill(String(args.text), { timeout });
      if (args.submit === true) {
        await field.press("Enter", { timeout });
        await settle(page);
      }
      return `typed into ${describeTarget(args)}${args.submit === true ? " and pressed Enter" : ""}`;
    }
    case "press":
      await page.keyboard.press(String(args.key));
      await settle(page);
      return `pressed ${String(args.key)}`;
    case "select": {
      const chosen = await locate(page, args).selectOption(String(args.value), { timeout });
      await settle(page);
      return `selected ${chosen.join(", ") || String(args.value)} in ${describeTarget(args)}`;
    }
    case "scroll": {
      const height = page.viewportSize()?.height ?? (await page.evaluate(() => window.innerHeight));
      const amount = typeof args.amount === "number" ? args.amount : 1;
      await page.mouse.wheel(0, (args.direction === "up" ? -1 : 1) * amount * height);
      await page.waitForTimeout(150);
      return `scrolled ${String(args.direction)} ${amount} screen${amount === 1 ? "" : "s"}`;
    }
    case "wait":
      await page.waitForTimeout(Number(args.ms));
      return `waited ${Number(args.ms)} ms`;
    case "extract": {
      const text = await page.locator("body").innerText({ timeout });
      return `page text:\n${bound(text, options.maxExtractChars)}`;
    }
    default:
      throw new Error(`${tool} is not a page action`);
  }
}

/** The element a call names: a snapshot reference (index) first, else a CSS selector. */
function locate(page: Page, args: Record<string, unknown>): Locator {
  if (args.index !== undefined) {
    const raw = String(args.index);
    const ref = /^[0-9]+$/.test(raw) ? `e${raw}` : raw;
    return page.getByRef(ref);
  }
  if (typeof args.selector === "string") return page.locator(args.selector).first();
  throw new Error("give the element's index (its ref in the snapshot) or a selector");
}

function describeTarget(args: Record<string, unknown>): string {
  return args.index !== undefined ? `element ${String(args.index)}` : `"${String(args.selector)}"`;
}

/** After an action that may navigate: the new document's DOM, briefly (a page that keeps loading is observed as it is). */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("domcontentloaded", { timeout: 3_000 }).catch(() => undefined);
}
