import type { z } from "zod";
import { ApiError, isUuid } from "@browserfleet/core";

/** Parses input with a core schema; every failing field is listed in `details`. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what = "request body"): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
  throw new ApiError("BAD_REQUEST", `${what} is invalid: ${details.map((d) => `${d.path}: ${d.message}`).join("; ")}`, { details });
}

export function uuidParam(value: string | undefined, what: string): string {
  if (value === undefined || !isUuid(value)) throw new ApiError("INVALID_ID", `${what} must be a UUID (e.g. 252e8eac-ea4f-415c-bd8f-242e33c78422)`);
  return value.toLowerCase();
}
