import { BrowserfleetError } from "@browserfleet/sdk";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** A tool's answer: a short text for the model to read, and the whole object as structured content. */
export function toolResult(summary: string, structured: object): CallToolResult {
  return { content: [{ type: "text", text: `${summary}\n\n${JSON.stringify(structured, null, 2)}` }], structuredContent: structured as Record<string, unknown> };
}

/** An API error as a tool error the model can act on: its code, message, request id (and the fields that failed). */
export function toolError(err: unknown): CallToolResult {
  if (err instanceof BrowserfleetError) {
    const error = { code: err.code, message: err.message, status: err.status, request_id: err.requestId, ...(err.details ? { details: err.details } : {}), ...(err.retryAfter !== null ? { retry_after: err.retryAfter } : {}) };
    const fields = err.details?.map((d) => `${d.path}: ${d.message}`).join("; ");
    return {
      isError: true,
      content: [{ type: "text", text: `${err.code}: ${err.message}${fields ? ` (${fields})` : ""}${err.requestId ? ` [request ${err.requestId}]` : ""}` }],
      structuredContent: { error },
    };
  }
  return { isError: true, content: [{ type: "text", text: `the tool failed: ${err instanceof Error ? err.message : String(err)}` }] };
}

/** Runs a tool's body, turning any failure into a tool error (never a crash of the server). */
export async function guarded(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (err) {
    return toolError(err);
  }
}
