import type { Page } from "playwright-core";
import { markdownLibrariesPrelude } from "./markdown-libraries.ts";
import { MARKDOWN_SCRIPT, type MarkdownScriptOptions } from "./markdown-script.ts";

/** Deepest element nesting converted as elements; deeper ones become their text. Real pages stay far below it. */
export const MARKDOWN_MAX_DEPTH = 256;

const WORLD_NAME = "browserfleet-markdown";
const TERMINATE_GRACE_MS = 1_000;

export interface MarkdownCut {
  value: string;
  cut: boolean;
}

interface Evaluated {
  result?: { value?: unknown };
  exceptionDetails?: { text?: string; exception?: { description?: string } };
}

/**
 * The page's Markdown, converted inside its renderer: in an isolated world of the main frame
 * (the page's scripts cannot see the converter, patch what it calls or feed it another answer),
 * on a copy of the live DOM cut to `maxInputChars`, with the time bounded by `timeoutMs` (Chromium
 * terminates the script just after it; the render's stop signal has answered TIMEOUT by then).
 * The worker's own event loop only waits, so a hostile page costs its own renderer's CPU and
 * memory, never the worker's; the answer is bounded again here.
 */
export async function extractMarkdown(page: Page, options: Omit<MarkdownScriptOptions, "maxDepth">, timeoutMs: number): Promise<MarkdownCut> {
  const session = await page.context().newCDPSession(page);
  try {
    const { frameTree } = await session.send("Page.getFrameTree");
    const world = await session.send("Page.createIsolatedWorld", { frameId: frameTree.frame.id, worldName: WORLD_NAME, grantUniveralAccess: false });
    const script: MarkdownScriptOptions = { ...options, maxDepth: MARKDOWN_MAX_DEPTH };
    const expression = `(() => {\n${markdownLibrariesPrelude()}\nreturn (${MARKDOWN_SCRIPT})(${JSON.stringify(script)});\n})()`;
    const evaluated = (await session.send("Runtime.evaluate", {
      expression,
      contextId: world.executionContextId,
      returnByValue: true,
      // A little past the render's own deadline, so the render reports TIMEOUT; the script still dies soon after.
      timeout: Math.max(1, Math.floor(timeoutMs)) + TERMINATE_GRACE_MS,
    })) as Evaluated;
    if (evaluated.exceptionDetails !== undefined) {
      const why = evaluated.exceptionDetails.exception?.description ?? evaluated.exceptionDetails.text ?? "unknown error";
      throw new Error(`markdown conversion failed: ${why.split("\n", 1)[0]}`);
    }
    return boundAgain(evaluated.result?.value, options.maxChars);
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/** The isolated world already cut it; what crosses is still checked, in shape and in length. */
function boundAgain(got: unknown, maxChars: number): MarkdownCut {
  const answer = got as { value?: unknown; cut?: unknown } | null | undefined;
  if (typeof answer?.value !== "string") throw new Error("markdown conversion failed: the converter returned no text");
  const max = Math.max(0, Math.floor(maxChars));
  if (answer.value.length <= max) return { value: answer.value, cut: answer.cut === true };
  const code = answer.value.charCodeAt(max - 1);
  return { value: answer.value.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max), cut: true };
}
