import { z } from "zod";
import type { RouteDoc } from "./route-doc.ts";

type Json = Record<string, unknown>;
type Io = "input" | "output";

/** Component names of request bodies and of answers (and of the schemas inside either), by zod schema. */
export interface ComponentNames {
  requests: ReadonlyMap<z.ZodType, string>;
  responses: ReadonlyMap<z.ZodType, string>;
}

/** The document's named schemas and request bodies, and the `$ref` an operation uses for each. */
export interface SchemaComponents {
  schemas: Record<string, Json>;
  requestBodies: Record<string, Json>;
  /** `{$ref}` to the request body component of a route's body. */
  bodyRef(schema: z.ZodType): Json;
  /** `{$ref}` to the schema component of an answer. */
  answerRef(schema: z.ZodType): Json;
}

const SCHEMAS = "#/components/schemas/";
const REQUEST_BODIES = "#/components/requestBodies/";
/** Where the schema of a request body component sits, as a JSON pointer (`/` of the media type escaped). */
const bodySchemaPointer = (id: string): string => `${REQUEST_BODIES}${id}/content/application~1json/schema`;

/** Drops `additionalProperties: false` from answers: they stay open to new fields, so clients must not be generated to reject them. */
function openAnswers(io: Io): (ctx: { jsonSchema: Json }) => void {
  return (ctx) => {
    if (io === "output" && ctx.jsonSchema.additionalProperties === false) delete ctx.jsonSchema.additionalProperties;
  };
}

/** JSON Schema of one zod schema, inlined (query parameters, which OpenAPI lists one by one). */
export function toJsonSchema(schema: z.ZodType, io: Io): Json {
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", override: openAnswers(io) }) as Json;
  delete out.$schema;
  return out;
}

/** PascalCase of an operationId: the stem of the name a route's unnamed body or answer falls back to. */
const pascal = (operationId: string): string => operationId.charAt(0).toUpperCase() + operationId.slice(1);

/**
 * The named schemas of one direction as one zod registry. A route's body or answer nobody named still becomes a
 * component, under a name made from its operationId (a unit test holds that list empty).
 */
function registryOf(io: Io, names: ReadonlyMap<z.ZodType, string>, routes: RouteDoc[], extra: ReadonlyMap<z.ZodType, string>): z.core.$ZodRegistry<{ id: string }> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of names) registry.add(schema, { id });
  const fallback = (schema: z.ZodType | undefined, id: string): void => {
    if (schema && !registry.has(schema)) registry.add(schema, { id });
  };
  for (const [schema, id] of extra) fallback(schema, id);
  for (const route of routes) {
    if (io === "input") fallback(route.body, `${pascal(route.operationId)}Body`);
    else for (const [status, doc] of Object.entries(route.responses)) fallback(doc.schema, `${pascal(route.operationId)}${status}Answer`);
  }
  return registry;
}

/** Each component of one registry as zod writes it, a registered schema met inside another being a `$ref` to it. */
function convert(registry: z.core.$ZodRegistry<{ id: string }>, io: Io, uri: (id: string) => string): Record<string, Json> {
  const { schemas } = z.toJSONSchema(registry, { target: "draft-2020-12", io, unrepresentable: "any", uri, override: openAnswers(io) }) as {
    schemas: Record<string, Json>;
  };
  // Only a cycle through unnamed schemas lands in __shared (reuse is inlined): name one of them.
  if ("__shared" in schemas) throw new Error("openapi: a schema cycle needs a component name (component-schemas.ts)");
  for (const schema of Object.values(schemas)) {
    // Zod writes each component's own address as $id; in an OpenAPI document its key under components says it.
    delete schema.$id;
    delete schema.$schema;
  }
  return schemas;
}

/**
 * Answers (and everything in them) become `components/schemas`, written as the API writes them (zod's output).
 * Route bodies become `components/requestBodies`, written as the API accepts them (zod's input: a field with a
 * default is optional); schemas named inside a body are `components/schemas` too. Bodies are request bodies
 * rather than schemas because generators read a `default` under components/schemas as "always present":
 * openapi-typescript, by default, would make a client send every defaulted field. `generatorAnswers` are answers
 * the generator itself refers to (the error envelope), named here unless `names` names them.
 */
export function buildSchemaComponents(routes: RouteDoc[], names: ComponentNames, generatorAnswers: ReadonlyMap<z.ZodType, string>): SchemaComponents {
  const input = registryOf("input", names.requests, routes, new Map());
  const output = registryOf("output", names.responses, routes, generatorAnswers);
  const bodyIds = new Set(routes.flatMap((r) => (r.body ? [input.get(r.body)!.id] : [])));
  const schemas = convert(output, "output", (id) => `${SCHEMAS}${id}`);
  const requestBodies: Record<string, Json> = {};
  for (const [id, schema] of Object.entries(convert(input, "input", (id) => (bodyIds.has(id) ? bodySchemaPointer(id) : `${SCHEMAS}${id}`)))) {
    if (id in schemas) throw new Error(`openapi: component name ${id} is used for two schemas`);
    if (bodyIds.has(id)) requestBodies[id] = { required: true, content: { "application/json": { schema } } };
    else schemas[id] = schema;
  }
  return {
    schemas,
    requestBodies,
    bodyRef: (schema) => ({ $ref: `${REQUEST_BODIES}${input.get(schema)!.id}` }),
    answerRef: (schema) => ({ $ref: `${SCHEMAS}${output.get(schema)!.id}` }),
  };
}
