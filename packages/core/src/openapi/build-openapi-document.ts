import { ERROR_STATUS, type ErrorCode } from "../errors/error-codes.ts";
import { errorEnvelopeSchema } from "./common-schemas.ts";
import { REQUEST_COMPONENT_NAMES, RESPONSE_COMPONENT_NAMES } from "./component-schemas.ts";
import { ERROR_CODE_DOCS } from "./error-code-docs.ts";
import type { RouteDoc } from "./route-doc.ts";
import { buildSchemaComponents, toJsonSchema, type ComponentNames, type SchemaComponents } from "./schema-components.ts";

export interface OpenApiOptions {
  version: string;
  limits: { bodyBytes: number; urlBytes: number; headerBytes: number };
  /** Default: component-schemas.ts. */
  componentNames?: ComponentNames;
}

type Json = Record<string, unknown>;

const TAGS: Record<string, string> = {
  quick: "Render pages: scrape, screenshot, extract, batch, crawl. Every call is a job.",
  jobs: "Read, long-poll, page through and cancel jobs.",
  credits: "Balance, prices and the ledger of every movement.",
  keys: "The workspace's API keys.",
  webhooks: "Signed event deliveries: endpoints, signing secret, test events, attempts.",
  operations: "Unauthenticated endpoints for probes, scrapers of metrics and client generators.",
};

/** The codes any route of this shape can answer, besides the ones it names itself. */
function errorCodesOf(route: RouteDoc): ErrorCode[] {
  const codes = new Set<ErrorCode>(["BAD_REQUEST", "INTERNAL_ERROR"]);
  if (route.auth) for (const c of ["UNAUTHORIZED", "INVALID_API_KEY", "TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE"] as const) codes.add(c);
  if (route.auth && route.method !== "get" && route.method !== "delete") {
    codes.add("PAYLOAD_TOO_LARGE");
    codes.add("UNSUPPORTED_MEDIA_TYPE");
  }
  if (route.pathParams) {
    codes.add("INVALID_ID");
    codes.add("NOT_FOUND");
  }
  if (route.idempotent) codes.add("IDEMPOTENCY_CONFLICT");
  for (const c of route.errors) codes.add(c);
  return [...codes];
}

function headersOf(route: RouteDoc, status: number): Json {
  const ref = (name: string): Json => ({ $ref: `#/components/headers/${name}` });
  const headers: Json = { "X-Request-Id": ref("RequestId") };
  // The limiter runs after authentication: a 401 carries no rate-limit headers.
  if (route.auth && status !== 401) {
    headers["X-RateLimit-Limit"] = ref("RateLimitLimit");
    headers["X-RateLimit-Remaining"] = ref("RateLimitRemaining");
    headers["X-RateLimit-Reset"] = ref("RateLimitReset");
  }
  if (status === 429 || status === 503) headers["Retry-After"] = ref("RetryAfter");
  if (route.idempotent && status < 500) headers["Idempotent-Replay"] = ref("IdempotentReplay");
  return headers;
}

/**
 * Error answers are few shapes repeated on every operation (a status, its codes, the headers of the
 * route's kind): each distinct one is a named `components/responses` entry the operations `$ref`.
 */
type ErrorResponses = Map<string, Json>;

function errorResponseName(status: number, codes: ErrorCode[], route: RouteDoc): string {
  return [`Error${status}`, ...codes.map((c) => c.toLowerCase().replace(/_(\w)/g, (_m, ch: string) => ch.toUpperCase()).replace(/^\w/, (ch) => ch.toUpperCase())), route.auth ? "Auth" : "Open", route.idempotent ? "Idempotent" : ""].join("");
}

function errorResponses(route: RouteDoc, named: SchemaComponents, shared: ErrorResponses): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(route)) {
    const status = ERROR_STATUS[code];
    if (route.responses[status]) continue;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Json = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const name = errorResponseName(status, codes, route);
    if (!shared.has(name)) {
      shared.set(name, {
        description: codes.map((c) => `${c}: ${ERROR_CODE_DOCS[c]}`).join("; "),
        headers: headersOf(route, status),
        content: {
          "application/json": {
            schema: { allOf: [named.answerRef(errorEnvelopeSchema), { type: "object", properties: { code: { enum: codes } } }] },
          },
        },
        "x-error-codes": codes,
      });
    }
    out[String(status)] = { $ref: `#/components/responses/${name}` };
  }
  return out;
}

function successResponses(route: RouteDoc, named: SchemaComponents): Json {
  const out: Json = {};
  for (const [status, doc] of Object.entries(route.responses)) {
    const response: Json = { description: doc.description, headers: headersOf(route, Number(status)) };
    if (doc.schema) response.content = { "application/json": { schema: named.answerRef(doc.schema) } };
    else if (doc.contentType) response.content = { [doc.contentType]: { schema: doc.rawSchema ?? { type: "string" } } };
    out[status] = response;
  }
  return out;
}

function parametersOf(route: RouteDoc): Json[] {
  const params: Json[] = [];
  for (const [name, param] of Object.entries(route.pathParams ?? {})) {
    if (typeof param === "string") params.push({ name, in: "path", required: true, description: param, schema: { type: "string", format: "uuid" } });
    else params.push({ name, in: "path", required: true, description: param.description, schema: { type: "string", pattern: param.pattern } });
  }
  if (route.query) {
    const object = toJsonSchema(route.query, "input") as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(object.properties ?? {})) {
      params.push({ name, in: "query", required: object.required?.includes(name) ?? false, schema });
    }
  }
  params.push({ $ref: "#/components/parameters/RequestId" });
  if (route.idempotent) params.push({ $ref: "#/components/parameters/IdempotencyKey" });
  return params;
}

function operationOf(route: RouteDoc, named: SchemaComponents, shared: ErrorResponses): Json {
  const operation: Json = {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.auth ? [{ ApiKey: [] }, { Bearer: [] }] : [],
    parameters: parametersOf(route),
    ...(route.websocket ? { "x-websocket": true } : {}),
  };
  if (route.body) operation.requestBody = named.bodyRef(route.body);
  operation.responses = { ...successResponses(route, named), ...errorResponses(route, named, shared) };
  return operation;
}

function components(named: SchemaComponents, shared: ErrorResponses): Json {
  const integerHeader = (description: string): Json => ({ description, schema: { type: "integer", minimum: 0 } });
  return {
    securitySchemes: {
      ApiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "`agt_live_` followed by 32 hex characters" },
      Bearer: { type: "http", scheme: "bearer", description: "the same key as `Authorization: Bearer <key>`" },
    },
    parameters: {
      RequestId: {
        name: "X-Request-Id",
        in: "header",
        required: false,
        description: "echoed when it matches the pattern, else the server mints one",
        schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,128}$" },
      },
      IdempotencyKey: {
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description: "the first completed answer (not 5xx) is stored 24 h per workspace and key and replayed byte for byte",
        schema: { type: "string", minLength: 1, maxLength: 255 },
      },
    },
    headers: {
      RequestId: { description: "the request's id, also in every error body and log line", schema: { type: "string" } },
      RateLimitLimit: integerHeader("requests allowed per window for this key"),
      RateLimitRemaining: integerHeader("requests left in the current window"),
      RateLimitReset: integerHeader("seconds until the window resets"),
      RetryAfter: integerHeader("seconds to wait before retrying"),
      IdempotentReplay: { description: "`true` when this answer is a stored replay", schema: { type: "string", enum: ["true"] } },
    },
    schemas: named.schemas,
    requestBodies: named.requestBodies,
    responses: Object.fromEntries([...shared].sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** The OpenAPI 3.1 document of the given routes, every schema generated from the zod schemas that validate them. */
export function buildOpenApiDocument(routes: RouteDoc[], options: OpenApiOptions): Json {
  const names = options.componentNames ?? { requests: REQUEST_COMPONENT_NAMES, responses: RESPONSE_COMPONENT_NAMES };
  const named = buildSchemaComponents(routes, names, new Map([[errorEnvelopeSchema, "ErrorEnvelope"]]));
  const paths: Record<string, Json> = {};
  const shared: ErrorResponses = new Map();
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operationOf(route, named, shared);
  const { bodyBytes, urlBytes, headerBytes } = options.limits;
  return {
    openapi: "3.1.0",
    info: {
      title: "browserfleet API",
      version: options.version,
      description: [
        "Self-hostable browser automation over HTTP. Every non-2xx answer is the envelope `{error, code, request_id, details?}`.",
        `Limits: JSON body ≤ ${bodyBytes} bytes (413), request URL ≤ ${urlBytes} bytes and request line + headers ≤ ${headerBytes} bytes (400 BAD_REQUEST).`,
        "Lists answer `{items, next_cursor}` and take `limit` (1..200, default 50) and the `cursor` of the previous page.",
      ].join("\n\n"),
      license: { name: "MIT", identifier: "MIT" },
    },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name, description: TAGS[name] ?? name })),
    paths,
    components: components(named, shared),
  };
}
