import { randomUUID } from "node:crypto";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  createdKeyView,
  creditsViewSchema,
  errorEnvelopeSchema,
  jobEnvelopeSchema,
  jobListSchema,
  jobStatusSchema,
  keyListView,
  ledgerPageSchema,
  resultPageSchema,
  signingSecretView,
  webhookEndpointView,
  webhookPingView,
} from "@browserfleet/core";
import { apiClient } from "../support/http-client.ts";
import type { ApiHandle } from "../support/in-process-api.ts";
import { startTestStack, type TestStack } from "../support/test-stack.ts";

type Operation = { responses: Record<string, { content?: Record<string, { schema: unknown }> } & Record<string, unknown>>; security?: unknown[] };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };

const METHODS = new Set(["get", "post", "put", "patch", "delete"]);
let stack: TestStack<ApiHandle>;
let key: string;
let document: Document;
let yamlText: string;
let contentType: string | null;

beforeAll(async () => {
  // debug: the API logs its own route table ("api routes") at boot; no worker: nothing here renders a page.
  stack = await startTestStack({ api: "in-process", workers: 0, env: { LOG_LEVEL: "debug" } });
  key = (await stack.newWorkspace("openapi")).apiKey;
  const res = await fetch(`${stack.apiUrl}/openapi.yaml`);
  expect(res.status).toBe(200);
  contentType = res.headers.get("content-type");
  yamlText = await res.text();
  document = parse(yamlText) as Document;
});

afterAll(async () => {
  await stack?.stop();
});

const documentedRoutes = (): string[] =>
  Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).filter((m) => METHODS.has(m)).map((m) => `${m.toUpperCase()} ${path}`));

/** The route table the running API logged at boot, read from its real Express router. */
const servedRoutes = (): string[] => {
  const line = stack.api.logs.map((l) => { try { return JSON.parse(l) as { msg?: string; routes?: { method: string; path: string }[] }; } catch { return {}; } }).find((e) => e.msg === "api routes");
  expect(line?.routes, "the API logs its route table at debug level").toBeDefined();
  return [...new Set(line!.routes!.map((r) => `${r.method.toUpperCase()} ${r.path}`))];
};

describe("GET /openapi.yaml", () => {
  it("is served without a key as YAML", () => {
    expect(contentType).toMatch(/^application\/yaml/);
    expect(yamlText.startsWith("openapi: 3.1.0")).toBe(true);
  });

  it("validates as OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)?.slice(0, 4000)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });
});

describe("route coverage", () => {
  it("documents every route the API serves, and the API serves every documented route", () => {
    const served = servedRoutes().sort();
    const documented = documentedRoutes().sort();
    expect(served.length).toBeGreaterThanOrEqual(20);
    expect(served.filter((r) => !documented.includes(r)), "served but not documented").toEqual([]);
    expect(documented.filter((r) => !served.includes(r)), "documented but not served").toEqual([]);
  });

  it("reaches a handler for every documented route (no 'no route' 404)", async () => {
    const client = apiClient(stack.apiUrl, key);
    for (const route of documentedRoutes()) {
      const [method, template] = route.split(" ") as [string, string];
      const path = template.replace(/\{\w+\}/g, randomUUID());
      // A JSON body that no schema accepts: the handler answers, but nothing is created.
      const res = await client.call(method, path, method === "GET" || method === "DELETE" ? {} : { json: { __not_a_field: true } });
      expect(res.status, route).not.toBe(405);
      const body = res.body as { code?: string; error?: string };
      expect(body?.error ?? "", `${route} answered ${res.status} ${JSON.stringify(body)}`).not.toMatch(/^no route for/);
    }
  });
});

describe("one spelling per documented route", () => {
  it("answers 404 for another letter case or a trailing slash of every documented route, as the route table says", async () => {
    const client = apiClient(stack.apiUrl, key);
    const upper = (template: string): string => template.replace(/\/([a-z][^/{]*)$/, (_m, seg: string) => `/${seg.toUpperCase()}`).replace(/^\/v1\//, "/V1/");
    for (const route of documentedRoutes()) {
      const [method, template] = route.split(" ") as [string, string];
      // The last literal segment upper-cased (or the /v1 prefix), and the exact path with a trailing slash.
      const spelled = upper(template.endsWith("}") ? template.replace(/^\/v1\//, "/V1/") : template);
      // Where the contract serves both spellings (/json/version and /json/version/), the other one is a route of its own.
      for (const variant of [spelled, `${template}/`].filter((v) => !documentedRoutes().includes(`${method} ${v}`))) {
        const path = variant.replace(/\{\w+\}/g, randomUUID());
        const res = await client.call(method, path, method === "GET" || method === "DELETE" ? {} : { json: { __not_a_field: true } });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect((res.body as { error?: string }).error, `${method} ${path}`).toMatch(/^no route for/);
      }
    }
  });
});

describe("documented responses", () => {
  /** An operation with its shared error answers (`#/components/responses/…`) resolved in place. */
  const resolved = (op: Operation): Operation => {
    const shared = (document as unknown as { components: { responses: Record<string, Operation["responses"][string]> } }).components.responses;
    const responses = Object.fromEntries(Object.entries(op.responses).map(([status, r]) => {
      const ref = (r as { $ref?: string }).$ref;
      return [status, ref ? shared[ref.slice("#/components/responses/".length)]! : r];
    }));
    return { ...op, responses };
  };
  const operation = (method: string, path: string): Operation => resolved(document.paths[path]![method]!);

  it("documents the error envelope on every operation, with the codes each can answer", () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item).map(([m, o]) => [m, resolved(o)] as const)) {
        expect(op.responses["400"], `${method} ${path}`).toBeDefined();
        expect(op.responses["500"], `${method} ${path}`).toBeDefined();
        if (path.startsWith("/v1/cdp/")) {
          // The CDP gateway is authenticated by the agent's own token (?token=), never by an API key.
          expect(op.security, `${method} ${path}`).toEqual([]);
          expect(op.responses["401"]?.["x-error-codes"], `${method} ${path}`).toEqual(["UNAUTHORIZED"]);
        } else if (path.startsWith("/v1/")) {
          expect(op.responses["401"]?.["x-error-codes"], `${method} ${path}`).toEqual(["UNAUTHORIZED", "INVALID_API_KEY"]);
          expect(op.responses["429"], `${method} ${path}`).toBeDefined();
          expect(op.responses["503"], `${method} ${path}`).toBeDefined();
          expect(op.security, `${method} ${path}`).toEqual([{ ApiKey: [] }, { Bearer: [] }]);
        }
        if (path.includes("{id}")) expect(op.responses["400"]!["x-error-codes"], `${method} ${path}`).toContain("INVALID_ID");
        // The schema validator checks shapes, not this rule of the spec: every template variable is a declared path parameter.
        const declared = ((op as { parameters?: { in?: string; name?: string }[] }).parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
        expect(declared.sort(), `${method} ${path}`).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400 || (path === "/readyz" && status === "503")) continue;
          expect(JSON.stringify(response.content), `${method} ${path} ${status}`).toContain("#/components/schemas/ErrorEnvelope");
        }
      }
    }
    expect(operation("post", "/v1/quick/scrape").responses["402"]!["x-error-codes"]).toEqual(["INSUFFICIENT_CREDIT"]);
    expect(operation("post", "/v1/quick/scrape").responses["409"]!["x-error-codes"]).toContain("IDEMPOTENCY_CONFLICT");
    expect(operation("post", "/v1/jobs/{id}/cancel").responses["409"]!["x-error-codes"]).toEqual(["JOB_TERMINAL"]);
  });

  it("describes the answers the API really gives (the zod schemas the document is generated from parse them)", async () => {
    const client = apiClient(stack.apiUrl, key);
    const accepted = await client.post("/v1/quick/scrape", { url: "http://127.0.0.1:9/openapi-probe", async: true });
    expect(accepted.status).toBe(202);
    jobEnvelopeSchema.parse(accepted.body);
    const id = accepted.body.id as string;
    jobEnvelopeSchema.parse((await client.get(`/v1/jobs/${id}`)).body);
    jobStatusSchema.parse((await client.get(`/v1/jobs/${id}/status`)).body);
    resultPageSchema.parse((await client.get(`/v1/jobs/${id}/results`)).body);
    jobListSchema.parse((await client.get("/v1/jobs")).body);
    creditsViewSchema.parse((await client.get("/v1/credits")).body);
    ledgerPageSchema.parse((await client.get("/v1/credits/ledger")).body);
    const invalid = await client.post("/v1/quick/scrape", { url: 42 });
    expect(invalid.status).toBe(400);
    errorEnvelopeSchema.parse(invalid.body);
    jobEnvelopeSchema.parse((await client.post(`/v1/jobs/${id}/cancel`)).body);

    createdKeyView.parse((await client.post("/v1/keys", { name: "openapi" })).body);
    keyListView.parse((await client.get("/v1/keys")).body);
    const hook = await client.post("/v1/webhooks", { url: "http://127.0.0.1:9/openapi-hook" });
    expect(hook.status).toBe(201);
    webhookEndpointView.parse(hook.body);
    webhookEndpointView.parse((await client.get(`/v1/webhooks/${hook.body.id as string}`)).body);
    signingSecretView.parse((await client.get("/v1/webhooks/signing-secret")).body);
    webhookPingView.parse((await client.post(`/v1/webhooks/${hook.body.id as string}/ping`)).body);
  });
});
