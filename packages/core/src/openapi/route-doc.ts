import type { z } from "zod";
import type { ErrorCode } from "../errors/error-codes.ts";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** One success answer of a route; `schema` absent means no body (204) or a non-JSON body named by `contentType`. */
export interface SuccessDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  /** A JSON Schema for non-zod bodies (text, YAML). */
  rawSchema?: Record<string, unknown>;
}

/** Everything the OpenAPI document says about one route; the API's own route table must match these. */
export interface RouteDoc {
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/v1/jobs/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Needs an API key (every /v1 route). */
  auth: boolean;
  /** Path parameters: name → description (a UUID), or a description and the pattern the id follows. */
  pathParams?: Record<string, string | { description: string; pattern: string }>;
  /** Served as a websocket upgrade on this GET (the OpenAPI document can only describe it in words). */
  websocket?: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Accepts `Idempotency-Key` and may answer a replay. */
  idempotent?: boolean;
  responses: Record<number, SuccessDoc>;
  /** Error codes this route can answer besides the ones every route of its kind can (added by the generator). */
  errors: ErrorCode[];
}
