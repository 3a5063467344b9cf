import { Ajv, type ValidateFunction } from "ajv";

const ajv = new Ajv({ allErrors: false, strict: false });

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
