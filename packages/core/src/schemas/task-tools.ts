import { z } from "zod";

/** Where an element is: its reference in the page snapshot (a number, or a ref such as "e12"), or a CSS selector. */
const target = {
  index: z
    .union([z.number().int().min(0).max(1_000_000_000), z.string().regex(/^[A-Za-z0-9_-]{1,32}$/)])
    .optional()
    .describe('the element\'s reference in the snapshot, as written after ref= (e.g. "e12"; a bare number n means "en")'),
  selector: z.string().min(1).max(1_000).optional().describe("a CSS selector, when the element has no reference"),
};

/**
 * The agent loop's tools as the model calls them (api.md "AI tasks"), one per step. These schemas
 * are what the model is shown (as JSON Schema) and what each call is checked against before it runs.
 */
export const TASK_TOOL_ARGS = {
  goto: z.strictObject({ url: z.string().min(1).max(8_192).describe("an http(s) URL") }),
  click: z.strictObject({ ...target }),
  type: z.strictObject({ ...target, text: z.string().max(10_000), submit: z.boolean().optional().describe("press Enter after typing") }),
  press: z.strictObject({ key: z.string().min(1).max(64).describe('a key such as "Enter", "Tab", "ArrowDown" or "Control+A"') }),
  select: z.strictObject({ ...target, value: z.string().max(1_000).describe("the option's value or label") }),
  scroll: z.strictObject({ direction: z.enum(["up", "down"]), amount: z.number().min(0.1).max(20).optional().describe("screens to scroll (default 1)") }),
  wait: z.strictObject({ ms: z.number().int().min(0).max(10_000) }),
  extract: z.strictObject({}),
  ask_user: z.strictObject({ question: z.string().min(1).max(2_000) }),
  done: z.strictObject({ result: z.unknown().describe("the task's answer (matching the output schema when one is given)") }),
} as const;

export type TaskToolName = keyof typeof TASK_TOOL_ARGS;
export type TaskToolArgs<N extends TaskToolName> = z.infer<(typeof TASK_TOOL_ARGS)[N]>;
export const TASK_TOOL_NAMES = Object.keys(TASK_TOOL_ARGS) as TaskToolName[];

export const TASK_TOOL_DESCRIPTIONS: Record<TaskToolName, string> = {
  goto: "Open a URL in the current tab.",
  click: "Click an element (give its snapshot reference as index, or a CSS selector).",
  type: "Type text into an input, replacing its value; submit: true presses Enter after.",
  press: "Press a key on the focused element.",
  select: "Choose an option of a <select> by its value or label.",
  scroll: "Scroll the page up or down.",
  wait: "Wait for the page to change (at most 10 s).",
  extract: "Read the page's whole visible text.",
  ask_user: "Ask the user a question and wait for the answer: only when the task cannot go on without it.",
  done: "Finish the task with its result.",
};
