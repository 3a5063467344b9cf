import type { NextFunction, Request, Response } from "express";
import { ApiError, isApiError } from "@browserfleet/core";
import { isDependencyDown } from "./dependency-errors.ts";
import { markTransientAnswer } from "./transient-answer.ts";

/** body-parser's failures, mapped to the contract's codes. */
function fromBodyParser(err: { type?: string; status?: number }): ApiError | null {
  switch (err.type) {
    case "entity.too.large":
      return new ApiError("PAYLOAD_TOO_LARGE", "request body is larger than the limit");
    case "entity.parse.failed":
      return new ApiError("BAD_REQUEST", "request body is not valid JSON");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new ApiError("UNSUPPORTED_MEDIA_TYPE", "unsupported body encoding or charset");
    case "request.aborted":
      return new ApiError("BAD_REQUEST", "request was aborted");
    default:
      return null;
  }
}

/** Other 4xx errors of Express's stack (http-errors style, e.g. a path param that is not valid percent-encoding). */
function fromClientError(err: unknown): ApiError | null {
  const { status, expose, message } = (err ?? {}) as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== "number" || status < 400 || status > 499) return null;
  if (expose === true && typeof message === "string") return new ApiError("BAD_REQUEST", message);
  return new ApiError("BAD_REQUEST", err instanceof URIError ? "a path segment is not valid percent-encoding" : "malformed request");
}

function toApiError(err: unknown): ApiError | null {
  if (isApiError(err)) return err;
  const parserError = err && typeof err === "object" && "type" in err ? fromBodyParser(err as { type?: string }) : null;
  if (parserError) return parserError;
  if (isDependencyDown(err)) {
    return new ApiError("SERVICE_UNAVAILABLE", "a backing service (Postgres or Redis) is unreachable; retry shortly", { retryAfter: 5 });
  }
  return fromClientError(err);
}

/** The one place errors become the envelope `{error, code, request_id, details?}`; never a stack trace. */
export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const known = toApiError(err);
  const apiError = known ?? new ApiError("INTERNAL_ERROR", "internal error; quote the request_id to support");
  if (!known) req.log.error({ err }, "unhandled error");
  else if (apiError.status >= 500) req.log.warn({ err, code: apiError.code }, "request failed");
  if (res.headersSent) {
    res.end();
    return;
  }
  if (apiError.retryAfter !== undefined) res.setHeader("Retry-After", String(apiError.retryAfter));
  if (apiError.transient) markTransientAnswer(res);
  res.status(apiError.status).json({
    error: apiError.message,
    code: apiError.code,
    request_id: req.id,
    ...(apiError.details ? { details: apiError.details } : {}),
    ...apiError.extra,
  });
}

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new ApiError("NOT_FOUND", `no route for ${req.method} ${req.path}`));
}
