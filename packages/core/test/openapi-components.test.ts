import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  API_ROUTE_DOCS,
  buildOpenApiDocument,
  jobEnvelopeSchema,
  renderOpenApiYaml,
  type ComponentNames,
  type RouteDoc,
} from "../src/index.ts";
import { REQUEST_COMPONENT_NAMES, RESPONSE_COMPONENT_NAMES } from "../src/openapi/component-schemas.ts";

type Json = Record<string, unknown>;
type Operation = { operationId: string; requestBody?: { $ref: string }; responses: Record<string, { content?: Record<string, { schema: Json }> }> };
type RequestBody = { required: boolean; content: Record<string, { schema: Json }> };

const OPTIONS = { version: "v1", limits: { bodyBytes: 1_048_576, urlBytes: 16_384, headerBytes: 16_384 } };
const document = buildOpenApiDocument(API_ROUTE_DOCS, OPTIONS) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; requestBodies: Record<string, RequestBody> };
};
const schemas = document.components.schemas;
const bodySchema = (name: string): Json => document.components.requestBodies[name]!.content["application/json"]!.schema;
const operations = (): Operation[] => Object.values(document.paths).flatMap((item) => Object.values(item));

/** What a local `$ref` (a JSON pointer into the document) points at. */
function resolve(ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = document;
  for (const token of ref.slice(2).split("/").map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"))) {
    node = node && typeof node === "object" ? (node as Json)[token] : undefined;
  }
  return node;
}

/** Every `$ref` anywhere under `node`. */
function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, out);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.push(value);
      else refsIn(value, out);
    }
  }
  return out;
}

describe("OpenAPI components", () => {
  it("names every request body and every JSON answer of every route in component-schemas.ts", () => {
    const unnamed: string[] = [];
    for (const route of API_ROUTE_DOCS) {
      if (route.body && !REQUEST_COMPONENT_NAMES.has(route.body)) unnamed.push(`${route.operationId} body`);
      for (const [status, doc] of Object.entries(route.responses)) {
        if (doc.schema && !RESPONSE_COMPONENT_NAMES.has(doc.schema)) unnamed.push(`${route.operationId} ${status}`);
      }
    }
    expect(unnamed, "give these a name in packages/core/src/openapi/component-schemas.ts").toEqual([]);
  });

  it("gives each name to one schema, spelled as a type name", () => {
    const names = [...REQUEST_COMPONENT_NAMES.values(), ...RESPONSE_COMPONENT_NAMES.values()];
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z0-9]*$/);
    expect([...Object.keys(schemas), ...Object.keys(document.components.requestBodies)].sort()).toEqual([...names].sort());
  });

  it("refers to the components from every operation instead of inlining them", () => {
    for (const op of operations()) {
      if (op.requestBody) expect(op.requestBody, op.operationId).toEqual({ $ref: expect.stringMatching(/^#\/components\/requestBodies\/[A-Za-z0-9]+$/) });
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = response.content?.["application/json"]?.schema;
        if (!schema || Number(status) >= 400 || op.operationId === "getReadiness") continue;
        expect(schema, `${op.operationId} ${status}`).toEqual({ $ref: expect.stringMatching(/^#\/components\/schemas\/[A-Za-z0-9]+$/) });
      }
    }
    const ref = (path: string, method: string, status?: number): unknown => {
      const op = document.paths[path]![method]!;
      return status === undefined ? op.requestBody!.$ref : op.responses[String(status)]!.content!["application/json"]!.schema.$ref;
    };
    expect(ref("/v1/quick/scrape", "post")).toBe("#/components/requestBodies/QuickScrapeBody");
    expect(ref("/v1/quick/scrape", "post", 202)).toBe("#/components/schemas/JobEnvelope");
    expect(ref("/v1/tasks", "post")).toBe("#/components/requestBodies/CreateTaskBody");
    expect(ref("/v1/webhooks/{id}", "get", 200)).toBe("#/components/schemas/Webhook");
    expect(ref("/v1/agents/{id}", "get", 200)).toBe("#/components/schemas/Agent");
  });

  it("refers to a component wherever its schema appears inside another one", () => {
    const items = (name: string): unknown => (schemas[name]!.properties as Record<string, Json>).items!.items;
    expect(items("ResultPage")).toEqual({ $ref: "#/components/schemas/ResultItem" });
    expect(items("TaskStepPage")).toEqual({ $ref: "#/components/schemas/TaskStep" });
    expect(items("WebhookPage")).toEqual({ $ref: "#/components/schemas/Webhook" });
    expect(items("AgentPage")).toEqual({ $ref: "#/components/schemas/Agent" });
    expect(items("AgentSessionPage")).toEqual({ $ref: "#/components/schemas/AgentSession" });
    expect(items("LedgerPage")).toEqual({ $ref: "#/components/schemas/LedgerEntry" });
    expect((schemas.JobEnvelope!.properties as Record<string, Json>).status).toEqual({ $ref: "#/components/schemas/JobState" });
    expect((bodySchema("QuickBatchBody").properties as Record<string, Json>).wait_until).toEqual({ $ref: "#/components/schemas/WaitUntil", default: "load" });
  });

  it("resolves every $ref of the document, and leaves no zod-only keys in the components", () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of refs) expect(resolve(ref), ref).toBeTypeOf("object");
    for (const [name, schema] of [...Object.entries(schemas), ...Object.keys(document.components.requestBodies).map((n) => [n, bodySchema(n)] as const)]) {
      expect(schema.$id, name).toBeUndefined();
      expect(schema.$schema, name).toBeUndefined();
      expect(JSON.stringify(schema), name).not.toContain("__shared");
    }
  });

  it("writes bodies as the API accepts them and answers as it writes them", () => {
    // A field with a default is optional in a request, a strict body refuses unknown fields, and answers stay open.
    expect(document.components.requestBodies.QuickScrapeBody!.required).toBe(true);
    expect(bodySchema("QuickScrapeBody").required).toEqual(["url"]);
    expect(bodySchema("CreateWebhookBody").additionalProperties).toBe(false);
    expect(schemas.Webhook!.additionalProperties).toBeUndefined();
    expect(schemas.JobEnvelope!.required).toContain("status");
  });

  it("puts a default under components/schemas only on a field that is always there", () => {
    // Generators (openapi-typescript by default) read a schema component's defaulted field as present: true of answers, not of requests.
    for (const [name, schema] of Object.entries(schemas)) {
      for (const [field, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
        if ("default" in property) expect((schema.required ?? []) as string[], `${name}.${field}`).toContain(field);
      }
    }
  });

  it("names every object schema that appears in more than one place", () => {
    // zod's own reuse detection over the same registries: anything it would extract unnamed is a shape used twice without a name.
    for (const [io, names] of [["input", REQUEST_COMPONENT_NAMES], ["output", RESPONSE_COMPONENT_NAMES]] as const) {
      const registry = z.registry<{ id: string }>();
      for (const [schema, id] of names) registry.add(schema, { id });
      const { schemas: out } = z.toJSONSchema(registry, { io, reused: "ref", unrepresentable: "any", uri: (id) => id }) as { schemas: Record<string, { $defs?: Record<string, Json> }> };
      const shared = Object.values(out.__shared?.$defs ?? {}).filter((def) => def.properties !== undefined);
      expect(shared.map((def) => Object.keys(def.properties as Json).join(",")), io).toEqual([]);
    }
  });

  it("still names a route's body or answer nobody named, after its operationId", () => {
    const body = z.object({ a: z.string() });
    const answer = z.object({ job: jobEnvelopeSchema });
    const route: RouteDoc = { method: "post", path: "/x", operationId: "doThing", summary: "x", tag: "quick", auth: false, body, responses: { 200: { description: "ok", schema: answer } }, errors: [] };
    const names: ComponentNames = { requests: new Map(), responses: new Map([[jobEnvelopeSchema, "JobEnvelope"]]) };
    const built = buildOpenApiDocument([route], { ...OPTIONS, componentNames: names }) as typeof document;
    expect(built.paths["/x"]!.post!.requestBody).toEqual({ $ref: "#/components/requestBodies/DoThingBody" });
    expect(built.components.requestBodies.DoThingBody!.content["application/json"]!.schema.required).toEqual(["a"]);
    expect(built.paths["/x"]!.post!.responses["200"]!.content!["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/DoThing200Answer" });
    expect((built.components.schemas.DoThing200Answer!.properties as Json).job).toEqual({ $ref: "#/components/schemas/JobEnvelope" });
    // The error envelope every error answer refers to is there even when the names given leave it out.
    expect(Object.keys(built.components.schemas).sort()).toEqual(["DoThing200Answer", "ErrorEnvelope", "JobEnvelope"]);
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)?.slice(0, 4000)).toEqual([]);
    expect(validator.version).toBe("3.1");
    const yaml = renderOpenApiYaml(document);
    console.log(`openapi.yaml: ${Buffer.byteLength(yaml)} bytes, ${Object.keys(document.paths).length} paths, ${Object.keys(schemas).length} named schemas`);
  });
});
