import { ERROR_STATUS, type ErrorCode } from "./error-codes.ts";

export interface ErrorDetail {
  path: string;
  message: string;
}

/** Thrown anywhere below a route; one middleware renders it as the error envelope. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;
  /** Extra top-level fields of the envelope, e.g. `job_id` on a 504. */
  readonly extra: Record<string, unknown> | undefined;
  /** Seconds, sent as `Retry-After` (429, 503). */
  readonly retryAfter: number | undefined;
  /** The answer says nothing lasting about the request (e.g. DNS did not answer in time): an Idempotency-Key retry runs afresh. */
  readonly transient: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: ErrorDetail[]; extra?: Record<string, unknown>; retryAfter?: number; transient?: boolean } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
    this.extra = options.extra;
    this.retryAfter = options.retryAfter;
    this.transient = options.transient ?? false;
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}
