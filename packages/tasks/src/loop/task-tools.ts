import { TASK_TOOL_ARGS, TASK_TOOL_DESCRIPTIONS, TASK_TOOL_NAMES } from "@browserfleet/core";
import { z } from "zod";
import type { ToolSpec } from "../llm/llm-types.ts";

/** The tools as the model is shown them: each one's argument schema (packages/core) as JSON Schema. */
export const TASK_TOOLS: readonly ToolSpec[] = TASK_TOOL_NAMES.map((name) => {
  const { $schema: _schema, ...parameters } = z.toJSONSchema(TASK_TOOL_ARGS[name], { io: "input" }) as Record<string, unknown>;
  return { name, description: TASK_TOOL_DESCRIPTIONS[name], parameters };
});
