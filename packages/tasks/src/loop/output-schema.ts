import { Ajv, type ValidateFunction } from "ajv";
import { RE2JS } from "re2js";

/**
 * `pattern` and `patternProperties` of a tenant's schema run on the worker against what the model
 * returned: compiled with RE2 (linear time, no backreferences or lookarounds), so no pattern can
 * stall the worker however the text is crafted.
 */
const linearRegExp = Object.assign(
  (pattern: string, flags: string) => {
    const re = RE2JS.compile(pattern, flags.includes("i") ? RE2JS.CASE_INSENSITIVE : 0);
    return { test: (text: string) => re.matcher(text).find() };
  },
  { code: 'require("re2js").RE2JS' },
);

/** A compiled output_schema. */
export type OutputValidator = ValidateFunction;

const ajv = new Ajv({ allErrors: false, strict: false, code: { regExp: linearRegExp } });

/** Compiles a task's `output_schema` (JSON Schema): null and the reason when it is not a schema Ajv can use. */
export function compileOutputSchema(schema: Record<string, unknown>): { validate: ValidateFunction } | { error: string } {
  try {
    return { validate: ajv.compile(schema) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Null when `value` fits; otherwise what is wrong, for the model to fix. */
export function schemaMismatch(validate: ValidateFunction, value: unknown): string | null {
  if (validate(value)) return null;
  const first = validate.errors?.[0];
  return first ? `${first.instancePath || "(the result)"} ${first.message ?? "does not match"}` : "does not match the output schema";
}
